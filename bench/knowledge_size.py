"""Knowledge size: search latency with 50, 500 and 5,000 articles, dense part included.

The larger knowledge bases are the real articles plus variants of them: a new
id, a title prefix and part of the keywords, so BM25F sees different
documents. Summary and body stay the original's: the vector cache then holds
every section passage already, and the title-and-summary passages come to one
per article and prefix. A summary per variant would need an embedding per
variant, measured here at 0.29 s per title-and-summary passage: over 20
minutes for 5,000 articles on a machine's first run.

Each size is loaded with the real loader into its own SQLite file; the load
step later points the action server at those files for the Rasa round trip.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import yaml

from bench.common import embedding_progress, percentile
from bot.config import load_settings
from bot.knowledge.evaluate import read_questions
from bot.knowledge.files import FRONT_MATTER
from bot.knowledge.loader import load_knowledge
from bot.knowledge.service import KnowledgeService
from bot.knowledge.vectors import Embedder
from bot.store import make_engine, make_sessionmaker

SIZES = (50, 500, 5000)
# Every labelled question this many times per way of searching: over 800 searches, while embedding
# the question (10 to 50 ms, by the load on the machine) keeps the step within about a minute per size.
PASSES = 2
TITLE_PREFIXES = ("", "Praktisch: ", "In het kort: ", "Vraag en antwoord: ")
KEYWORD_KEPT = 0.8  # chance that a variant keeps each of the original's keywords


def build_knowledge(source: Path, target: Path, size: int, seed: int = 7) -> None:
    """`size` articles in `target`: all real ones, then variants of them in turn."""
    if target.exists():
        shutil.rmtree(target)
    (target / "articles").mkdir(parents=True)
    for name in ("topics.yml", "audiences.yml", "synonyms.yml", "providers.yml"):
        shutil.copy(source / name, target / name)
    originals = sorted((source / "articles").glob("*.md"))
    rng = random.Random(seed)
    for number in range(size):
        path = originals[number % len(originals)]
        if number < len(originals):
            shutil.copy(path, target / "articles" / path.name)
            continue
        match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        meta, body = yaml.safe_load(match.group(1)), match.group(2)
        meta["id"] = f"{meta['id']}-v{number // len(originals)}"
        meta["title"] = rng.choice(TITLE_PREFIXES) + meta["title"]
        keywords = meta.get("keywords") or []
        meta["keywords"] = [k for k in keywords if rng.random() < KEYWORD_KEPT] or keywords[:1]
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        (target / "articles" / f"{meta['id']}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def _latencies(service: KnowledgeService, questions: list[str], vectors: dict | None = None) -> list[float]:
    """Milliseconds per search; without `vectors` each search embeds its question first."""
    latencies = []
    for _ in range(PASSES):
        for question in questions:
            vector = vectors[question] if vectors else None
            started = time.perf_counter()
            service.find_articles(question, vector=vector)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def measure(work: Path, questions_dir: Path) -> dict:
    """Builds, loads and times the search at every size; returns figures and the database URLs."""
    source = load_settings().knowledge_dir
    questions = [q["q"] for q in read_questions(questions_dir)]
    results: dict = {"sizes": {}, "questions": len(questions), "passes": PASSES}
    # The vectors the Rasa server's NLU would pass along (this also loads e5 before any timing).
    embedder = Embedder()
    vectors = {question: embedder.query(question) for question in questions}
    for size in SIZES:
        started = time.monotonic()
        directory = work / f"knowledge-{size}"
        build_knowledge(source, directory, size)
        db_url = f"sqlite:///{work / f'jep-{size}.db'}"
        factory = make_sessionmaker(make_engine(db_url))
        report = load_knowledge(directory, factory, progress=embedding_progress(f"{size} artikelen"))
        loaded = time.monotonic() - started

        # No recent vectors: each search without the NLU's vector embeds its question.
        service = KnowledgeService(factory, embedder, recent_vectors=0)
        started = time.monotonic()
        service.catalogue()  # the first question builds the index
        build = time.monotonic() - started
        embedded, given = _latencies(service, questions), _latencies(service, questions, vectors)
        results["sizes"][size] = {
            "articles": report.totals["articles"],
            "db_url": db_url,
            "generate_and_load_seconds": loaded,
            "index_build_seconds": build,
            "search_p50_ms": percentile(embedded, 50),
            "search_p95_ms": percentile(embedded, 95),
            "search_max_ms": max(embedded),
            "vector_p50_ms": percentile(given, 50),
            "vector_p95_ms": percentile(given, 95),
        }
        print(
            f"  {size:5d} artikelen: laden {loaded:.1f} s, index {build:.1f} s, zoeken met inbedding van de vraag "
            f"p50 {percentile(embedded, 50):.1f} ms, p95 {percentile(embedded, 95):.1f} ms; met vector van de NLU "
            f"p50 {percentile(given, 50):.1f} ms, p95 {percentile(given, 95):.1f} ms",
            flush=True,
        )
    return results
