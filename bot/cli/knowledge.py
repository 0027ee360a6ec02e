"""The `knowledge` commands: load, search, evaluate and fit the answer decision."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.config import ROOT, Settings
from bot.knowledge import decision
from bot.knowledge import evaluate as search_eval
from bot.knowledge.decision_fit import choose_threshold, render, signals_of
from bot.knowledge.hybrid import MODES
from bot.knowledge.loader import KnowledgeInvalid, load_knowledge
from bot.knowledge.service import KnowledgeService
from bot.knowledge.vectors import Progress, VectorCache
from bot.services import build_services
from bot.store import make_engine, make_sessionmaker


def run(args, settings: Settings) -> int:
    if args.command == "load":
        return load(settings, args.dir or settings.knowledge_dir)
    if args.command == "search":
        knowledge = build_services(settings).knowledge
        find = knowledge.find_providers if args.providers else knowledge.find_articles
        found = find(args.question)
        print(f"beslissing: {found.decision}")
        for hit in found.items:
            print(f"{hit.score:.2f}  {hit.id}  [{', '.join(hit.topics)}]")
        return 0
    if args.command == "eval":
        return evaluate_search(settings, args.sets, args.misses)
    if args.command == "fit-decision":
        return fit_decision(settings, args.sets)
    if args.command == "page-speed":
        return page_speed(settings, args.count)
    return 2


def page_speed(settings: Settings, count: int) -> int:
    from bot.web import page_speed  # the web app's templates: only this command needs them

    params = page_speed.queries(ROOT / "tests" / "search" / "questions", count)
    print(page_speed.report(page_speed.measure(fresh_knowledge(settings), params)))
    return 0


def progress() -> Progress:
    """One line that updates itself: the first load on a machine embeds every passage."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else 0
        end = "\n" if done == total else ""
        print(f"\rPassages inbedden: {done}/{total} (nog ongeveer {left:.0f} s)   ", end=end, flush=True)

    return show


def load(settings: Settings, directory) -> int:
    factory = make_sessionmaker(make_engine(settings.db_url, pool_size=settings.db_pool_size))
    try:
        report = load_knowledge(directory, factory, VectorCache(settings.vector_cache), progress())
    except KnowledgeInvalid as invalid:
        for error in invalid.errors:
            print(f"fout: {error}", file=sys.stderr)
        print("De kennisbank is niet gewijzigd.", file=sys.stderr)
        return 1
    for name, total in report.totals.items():
        print(
            f"{name}: {total} (nieuw {report.added[name]}, gewijzigd {report.changed[name]}, "
            f"verwijderd {report.removed[name]})"
        )
    print(f"Kennisbank geladen (versie {report.version}).")
    return 0


def fresh_knowledge(settings: Settings, model: decision.DecisionModel | None = None) -> KnowledgeService:
    """The knowledge files in a new in-memory database, so the figures are of the files."""
    factory = make_sessionmaker(make_engine("sqlite://"))
    load_knowledge(settings.knowledge_dir, factory, VectorCache(settings.vector_cache), progress())
    return KnowledgeService(factory, decision=model)


def evaluate_search(settings: Settings, sets: Path, show_misses: bool) -> int:
    try:
        knowledge = fresh_knowledge(settings)
    except KnowledgeInvalid as invalid:
        print(f"fout: {invalid}", file=sys.stderr)
        return 1
    questions = search_eval.question_sets(sets / "questions")
    conversations = search_eval.read_questions(sets / "followups")
    rows = search_eval.decision_rows(sets)
    print(f"{'zoekwijze':8s} {'set':17s} {'n':>5s}  recall@1  recall@3    MRR")
    for mode in MODES:
        for name, items in questions.items():
            for kind, scores in search_eval.evaluate(knowledge, items, mode=mode).items():
                if scores.count and kind != "all":
                    label = f"{name}/{kind}"
                    print(row(mode, label, scores))
        followups = search_eval.evaluate_followups(knowledge, conversations, mode=mode)
        print(row(mode, "vervolg", followups))
    print("\nAntwoordbeslissing (antwoorden vs. verduidelijken of buiten bereik):")
    for mode in MODES:
        scores = search_eval.evaluate_decision(knowledge, rows, mode=mode)
        print(f"{mode:8s} precisie {scores.precision:.3f}  recall {scores.recall:.3f}  n={sum(scores.counts.values())}")
    if show_misses:
        for name, items in questions.items():
            for question, relevant, got in search_eval.evaluate(knowledge, items)["all"].misses:
                print(f"MIS ({name}) {question!r}\n    verwacht {relevant}\n    gekregen {got}")
        for question, relevant, got in search_eval.evaluate_followups(knowledge, conversations).misses:
            print(f"MIS (vervolg) {question!r}\n    verwacht {relevant}\n    gekregen {got}")
    return 0


def row(mode: str, label: str, scores) -> str:
    return f"{mode:8s} {label:17s} {scores.count:5d}  {scores.recall1:8.3f}  {scores.recall3:8.3f}  {scores.mrr:6.3f}"


def fit_decision(settings: Settings, sets: Path) -> int:
    """Fits the decision on every labelled input, reports 5-fold figures, writes decision.yml."""

    # Only the signals are read here: the model in decision.yml may be of other features.
    knowledge = fresh_knowledge(settings, decision.without_opinion())
    rows = signals_of(knowledge, search_eval.decision_rows(sets))
    threshold, report = choose_threshold(rows)
    model = decision.fit(rows, threshold)
    decision.MODEL_FILE.write_text(render(model, report), encoding="utf-8")
    for key, value in report.items():
        print(f"{key}: {value}")
    print(f"Geschreven: {decision.MODEL_FILE}")
    return 0
