"""How long /kennis takes to answer a search, on the server: searching plus rendering the page.

`python -m bot knowledge page-speed` runs the search evaluation's questions (with
and without filters) against the knowledge files loaded into memory, and prints
the median, p95 and maximum. The target is a p95 under 100 ms.
"""

from __future__ import annotations

import itertools
import statistics
import time
from pathlib import Path

from bot.knowledge.evaluate import question_sets
from bot.knowledge.service import KnowledgeService
from bot.web.knowledge_pages import search_page
from bot.web.public_page import page_templates

FILTERS = [{}, {"werkveld": "onderwijs"}, {"onderwerp": "online"}, {"onderwerp": "signalen", "werkveld": "jeugdhulp"}]


def queries(questions: Path, count: int) -> list[dict]:
    """Long questions and short inputs in turn, each with the next set of filters."""
    sets = question_sets(questions)
    texts = [item["q"] for pair in zip(sets["long"], sets["short"], strict=False) for item in pair]
    return [{"q": text, **filters} for text, filters in zip(texts[:count], itertools.cycle(FILTERS))]


def measure(knowledge: KnowledgeService, params: list[dict], warm_up: int = 3) -> list[float]:
    """Milliseconds per page, after a few pages that build the index and load the model."""
    template = page_templates().get_template("topics.html")
    for args in params[:warm_up]:
        template.render(**search_page(knowledge, args.get))
    timings = []
    for args in params:
        started = time.perf_counter()
        template.render(**search_page(knowledge, args.get))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def report(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"/kennis met zoekvraag: {len(timings)} pagina's, mediaan {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms (doel: p95 < 100 ms)"
    )
