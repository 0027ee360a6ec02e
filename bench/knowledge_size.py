"""Knowledge size: search latency with 50, 500 and 5,000 articles.

The larger knowledge bases are the real articles plus generated variants of
them (new id, lightly varied text), so vocabulary and length stay realistic.
Each size is loaded with the real loader into its own SQLite file; the load
step later points the action server at those files for the Rasa round trip.
"""

from __future__ import annotations

import random
import re
import shutil
import time
from pathlib import Path

import yaml

from bench.common import percentile
from bot.config import load_settings
from bot.knowledge.evaluate import read_questions
from bot.knowledge.files import FRONT_MATTER
from bot.knowledge.loader import load_knowledge
from bot.knowledge.service import KnowledgeService
from bot.store import make_engine, make_sessionmaker

SIZES = (50, 500, 5000)
PASSES = 3  # every labelled question this many times, for stable percentiles
SENTENCE = re.compile(r"(?<=[.!?])\s+")
# Small, meaning-preserving word swaps so variants are not byte-identical copies.
SWAPS = {"jongere": "tiener", "jongeren": "tieners", "leerling": "scholier", "leerlingen": "scholieren",
         "professional": "medewerker", "vaak": "dikwijls", "belangrijk": "van belang", "helpt": "werkt"}  # fmt: skip
TITLE_PREFIXES = ("", "Praktisch: ", "In het kort: ", "Vraag en antwoord: ")


def _vary(text: str, rng: random.Random) -> str:
    paragraphs = []
    for paragraph in text.split("\n\n"):
        if paragraph.lstrip().startswith("#"):
            paragraphs.append(paragraph)
            continue
        sentences = SENTENCE.split(paragraph.strip())
        kept = [s for s in sentences if rng.random() > 0.15] or sentences[:1]
        if len(kept) > 2 and rng.random() < 0.5:
            rng.shuffle(kept)
        words = " ".join(kept).split(" ")
        paragraphs.append(" ".join(SWAPS.get(w, w) if rng.random() < 0.5 else w for w in words))
    return "\n\n".join(paragraphs)


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
        meta["summary"] = _vary(meta["summary"], rng)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        (target / "articles" / f"{meta['id']}.md").write_text(f"---\n{front}---\n{_vary(body, rng)}", encoding="utf-8")


def measure(work: Path, questions_dir: Path) -> dict:
    """Builds, loads and times the search at every size; returns figures and the database URLs."""
    source = load_settings().knowledge_dir
    questions = [q["q"] for q in read_questions(questions_dir)]
    results: dict = {"sizes": {}, "questions": len(questions), "passes": PASSES}
    for size in SIZES:
        started = time.monotonic()
        directory = work / f"knowledge-{size}"
        build_knowledge(source, directory, size)
        db_url = f"sqlite:///{work / f'jep-{size}.db'}"
        factory = make_sessionmaker(make_engine(db_url))
        report = load_knowledge(directory, factory)
        loaded = time.monotonic() - started

        service = KnowledgeService(factory)
        started = time.monotonic()
        service.catalogue()  # the first question builds the index
        build = time.monotonic() - started
        latencies = []
        for _ in range(PASSES):
            for question in questions:
                started = time.perf_counter()
                service.search_articles(question)
                latencies.append((time.perf_counter() - started) * 1000)
        results["sizes"][size] = {
            "articles": report.totals["articles"],
            "db_url": db_url,
            "generate_and_load_seconds": loaded,
            "index_build_seconds": build,
            "search_p50_ms": percentile(latencies, 50),
            "search_p95_ms": percentile(latencies, 95),
            "search_max_ms": max(latencies),
        }
        print(
            f"  {size:5d} artikelen: laden {loaded:.1f} s, index {build:.1f} s, "
            f"zoeken p50 {percentile(latencies, 50):.2f} ms, p95 {percentile(latencies, 95):.2f} ms",
            flush=True,
        )
    return results
