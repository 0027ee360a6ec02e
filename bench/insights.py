"""Insights bench: catch-up time of the rollups and the KPI + chart time of a 30-day and a 1-year period.

python -m bench.insights [--conversations 100000]: generates that many conversations of 10 events each
(1,000,000 events at the default) over one year into a temporary SQLite tracker store, with thumbs in
the feedback table, then times Rollup.update from nothing and the page's computation (insights() and
its charts), 20 times per period, reporting the median and p95. Not part of `make bench`.
With --page (10,000 conversations unless given): the page itself over HTTP, see bench/insights_page.py.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, insert

from bench import insights_data as ev
from bench.insights_page import page_bench
from bot.insights.charts import insight_charts
from bot.insights.kpis import insights
from bot.insights.rollup import Rollup
from bot.store import Feedback, make_engine, make_sessionmaker

START = date(2026, 1, 1)
TOPICS = ("signalen", "gesprek", "ouders", "online", "aanpak")
SETTINGS = ("onderwijs", "jeugdhulp", "gemeente", "jongerenwerk")
ESCALATIONS = (("user_request", "phone"), ("low_confidence", "callback"), ("acute", "phone"), ("user_request", "live"))
RUNS = 20
BATCH = 50_000


def conversation(rng: random.Random, n: int) -> list[dict]:
    """Ten events: a greeting, three questions, what the assistant answered, topic and setting."""
    s, t = f"bench-{n}", datetime.combine(START, datetime.min.time(), timezone.utc).timestamp()
    t += rng.random() * 364 * 86400
    shown = ev.articles(f"artikel-{rng.randrange(80)}", f"artikel-{rng.randrange(80)}")
    rows = [ev.bot(s, t, "Welkom"), ev.user(s, t + 5, "hoe herken ik signalen van radicalisering"),
            ev.slot(s, t + 6, "topic", rng.choice(TOPICS)), ev.bot(s, t + 7, custom=shown)]  # fmt: skip
    second = rng.random()
    if second < 0.1:
        rows += [ev.user(s, t + 60, f"vraag {rng.randrange(10**6)} over iets", "nlu_fallback", 0.3),
                 ev.bot(s, t + 61, "?", "utter_ask_rephrase")]  # fmt: skip
    elif second < 0.2:
        rows += [
            ev.user(s, t + 60, f"zeldzame vraag {rng.randrange(10**6)}"),
            ev.bot(s, t + 61, None, "utter_no_articles"),
        ]
    else:
        rows += [
            ev.user(s, t + 60, "wie kan helpen"),
            ev.bot(s, t + 61, custom=ev.providers(f"org-{rng.randrange(40)}")),
        ]
    rows += [ev.slot(s, t + 62, "setting", rng.choice(SETTINGS)), ev.user(s, t + 120, "ik wil iemand spreken")]
    if rng.random() < 0.1:
        rows.append(ev.bot(s, t + 121, custom=ev.escalation(*rng.choice(ESCALATIONS))))
    else:
        rows.append(ev.bot(s, t + 121, "Fijn dat ik kon helpen."))
    rows.append(ev.action(s, t + 122, "action_listen"))  # not read by the rollup, as in a real store
    return rows


def generate(tracker, factory, conversations: int, seed: int = 7) -> None:
    rng, rows, ratings = random.Random(seed), [], []
    ev.create_tracker(tracker)
    for n in range(conversations):
        rows += conversation(rng, n)
        if rng.random() < 0.15:
            moment = datetime.fromtimestamp(rows[-1]["timestamp"], timezone.utc).replace(tzinfo=None)
            rating = rng.choice(("up", "up", "down"))
            ratings.append({"conversation_id": f"bench-{n}", "rating": rating, "query": "vraag",
                            "article_ids": [f"artikel-{rng.randrange(80)}"], "created_at": moment})  # fmt: skip
        if len(rows) >= BATCH:
            ev.insert_events(tracker, rows)
            rows = []
    ev.insert_events(tracker, rows)
    with factory.kw["bind"].begin() as connection:
        connection.execute(insert(Feedback.__table__), ratings)


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int)
    parser.add_argument("--page", action="store_true", help="de pagina /beheer/inzicht over HTTP timen")
    args = parser.parse_args()
    if args.page:
        return page_bench(args.conversations or 10_000, generate)
    args.conversations = args.conversations or 100_000
    with tempfile.TemporaryDirectory() as folder:
        tracker = create_engine(f"sqlite:///{Path(folder) / 'tracker.db'}", future=True)
        factory = make_sessionmaker(make_engine(f"sqlite:///{Path(folder) / 'jep.db'}"))
        made = timed(lambda: generate(tracker, factory, args.conversations))
        events = ev_count(tracker)
        print(f"gegenereerd: {args.conversations} gesprekken, {events} gebeurtenissen in {made:.1f} s")
        rollup = Rollup(factory, tracker, ZoneInfo("Europe/Amsterdam"),
                        clock=lambda: datetime(2027, 1, 1, tzinfo=timezone.utc))  # fmt: skip
        caught_up = timed(rollup.update)
        print(f"inhalen van de dagcijfers: {caught_up:.1f} s ({events / caught_up:.0f} gebeurtenissen/s)")
        print(f"nogmaals bijwerken zonder nieuwe gebeurtenissen: {timed(rollup.update) * 1000:.0f} ms")
        for name, since, per in (("30 dagen", date(2026, 6, 1), "day"), ("1 jaar", START, "week")):
            until = since + timedelta(days=29 if per == "day" else 364)
            times = [
                timed(lambda s=since, u=until, p=per: insight_charts(insights(factory, s, u, p))) for _ in range(RUNS)
            ]
            p95 = sorted(times)[int(0.95 * (RUNS - 1))]
            print(f"KPI's + grafieken, {name} per {per}: mediaan {statistics.median(times) * 1000:.0f} ms, "
                  f"p95 {p95 * 1000:.0f} ms")  # fmt: skip


def ev_count(tracker) -> int:
    with tracker.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM events").scalar_one()


if __name__ == "__main__":
    main()
