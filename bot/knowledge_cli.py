"""The `knowledge` commands: load, search and evaluate."""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.knowledge.evaluate import evaluate, read_questions
from bot.knowledge.loader import KnowledgeInvalid, load_knowledge
from bot.services import build_services
from bot.store import make_engine, make_sessionmaker


def run(args, settings: Settings) -> int:
    if args.command == "load":
        return load(settings, args.dir or settings.knowledge_dir)
    if args.command == "search":
        services = build_services(settings)
        search = services.knowledge.find_providers if args.providers else services.knowledge.search_articles
        for hit in search(args.question):
            print(f"{hit['score']:.2f}  {hit['id']}  [{', '.join(hit['topics'])}]")
        return 0
    if args.command == "eval":
        return evaluate_search(settings, args.questions, args.misses)
    return 2


def load(settings: Settings, directory) -> int:
    factory = make_sessionmaker(make_engine(settings.db_url))
    try:
        report = load_knowledge(directory, factory)
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


def evaluate_search(settings: Settings, questions_dir, show_misses: bool) -> int:
    """Loads the knowledge into a fresh in-memory database, so the figures are of the files."""
    factory = make_sessionmaker(make_engine("sqlite://"))
    try:
        load_knowledge(settings.knowledge_dir, factory)
    except KnowledgeInvalid as invalid:
        print(f"fout: {invalid}", file=sys.stderr)
        return 1
    services = build_services(settings, factory)
    questions = read_questions(questions_dir)
    results = evaluate(services.knowledge, questions)
    for kind, scores in results.items():
        print(
            f"{kind:9s} n={scores.count:4d}  recall@1={scores.recall1:.3f}  "
            f"recall@3={scores.recall3:.3f}  MRR={scores.mrr:.3f}"
        )
    if show_misses:
        for question, relevant, got in results["all"].misses:
            print(f"MIS {question!r}\n    verwacht {relevant}\n    gekregen {got}")
    return 0
