"""`python -m bot knowledge page-speed` prints its figures; the timing itself is not asserted (machines differ)."""

from bot.config import ROOT
from bot.web import page_speed


def test_the_page_speed_report_prints_median_and_p95(services):
    params = page_speed.queries(ROOT / "tests" / "search" / "questions", 6)
    assert len(params) == 6 and params[1]["werkveld"] == "onderwijs"
    timings = page_speed.measure(services.knowledge, params, warm_up=1)
    line = page_speed.report(timings)
    assert len(timings) == 6 and "p95" in line and "mediaan" in line
