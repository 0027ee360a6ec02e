"""Retrieval quality: our search against plain BM25 on the labelled questions."""

from __future__ import annotations

import re

from rank_bm25 import BM25Okapi

from bot.config import ROOT, load_settings
from bot.knowledge.evaluate import Scores, evaluate, read_questions
from bot.knowledge.loader import load_knowledge
from bot.services import build_services
from bot.store import make_engine, make_sessionmaker

QUESTIONS = ROOT / "tests" / "search" / "questions"
TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    # The baseline a team writes in five minutes: lower case, split on non-word characters.
    return TOKEN.findall(text.lower())


class PlainBM25:
    """rank_bm25's BM25Okapi with its defaults over one kind of document."""

    def __init__(self, documents: dict[str, str]):
        self.ids = list(documents)
        self.model = BM25Okapi([tokenize(text) for text in documents.values()])

    def ranked(self, question: str, limit: int = 10) -> list[str]:
        scores = self.model.get_scores(tokenize(question))
        order = sorted(range(len(self.ids)), key=lambda i: (-scores[i], self.ids[i]))
        return [self.ids[i] for i in order[:limit] if scores[i] > 0]


def _as_dict(results: dict[str, Scores]) -> dict:
    return {
        kind: {"n": s.count, "recall1": s.recall1, "recall3": s.recall3, "mrr": s.mrr} for kind, s in results.items()
    }


def run() -> dict:
    # A fresh in-memory database, as `make search-eval` does: the figures are of the files.
    settings = load_settings()
    factory = make_sessionmaker(make_engine("sqlite://"))
    load_knowledge(settings.knowledge_dir, factory)
    service = build_services(settings, factory).knowledge
    questions = read_questions(QUESTIONS)

    ours = evaluate(service, questions)
    ours_no_audience = evaluate(service, questions, use_audience=False)

    catalogue = service.catalogue()
    articles = {a["id"]: f"{a['title']} {a['summary']} {a['body']}" for a in catalogue.articles.values()}
    providers = {p["id"]: f"{p['name']} {p['description']}" for p in catalogue.providers.values()}
    baselines = {"article": PlainBM25(articles), "provider": PlainBM25(providers)}
    bm25 = {"article": Scores(), "provider": Scores(), "all": Scores()}
    for question in questions:
        ranked = baselines[question["kind"]].ranked(question["q"])
        for key in (question["kind"], "all"):
            bm25[key].add(question["q"], question["relevant"], ranked)

    return {
        "questions": len(questions),
        "articles": len(catalogue.articles),
        "providers": len(catalogue.providers),
        "ours": _as_dict(ours),
        "ours_no_audience": _as_dict(ours_no_audience),
        "bm25": _as_dict(bm25),
    }
