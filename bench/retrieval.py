"""Retrieval quality: hybrid search against BM25 only and dense only, and against plain BM25.

The figures come from bot.knowledge.evaluate, as `make search-eval` prints
them: recall@1, recall@3 and MRR per ranking mode on the long questions, the
short inputs and the second turns of two-turn conversations, and the
precision and recall of the answer decision per mode.
"""

from __future__ import annotations

import re

import numpy as np
from rank_bm25 import BM25Okapi

from bench.common import embedding_progress
from bot.config import ROOT, load_settings
from bot.knowledge.decision import ANSWER
from bot.knowledge.evaluate import (
    Scores,
    decision_labels,
    evaluate,
    evaluate_decision,
    evaluate_followups,
    every_question,
    question_sets,
    read_questions,
)
from bot.knowledge.hybrid import MODES
from bot.knowledge.loader import load_knowledge
from bot.knowledge.service import KnowledgeService
from bot.knowledge.vectors import Embedder
from bot.store import make_engine, make_sessionmaker

SEARCH = ROOT / "tests" / "search"
QUESTIONS = SEARCH / "questions"
FOLLOWUPS = SEARCH / "followups"
NOT_ANSWERABLE = SEARCH / "decision"
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


class RememberingEmbedder(Embedder):
    """Embeds each question once: every mode and set asks the same questions again."""

    def __init__(self) -> None:
        self.vectors: dict[str, np.ndarray] = {}

    def query(self, text: str) -> np.ndarray:
        if text not in self.vectors:
            self.vectors[text] = super().query(text)
        return self.vectors[text]


def _figures(scores: Scores) -> dict:
    return {"n": scores.count, "recall1": scores.recall1, "recall3": scores.recall3, "mrr": scores.mrr}


def _as_dict(results: dict[str, Scores]) -> dict:
    return {kind: _figures(scores) for kind, scores in results.items()}


def _plain_bm25(service: KnowledgeService, questions: list[dict]) -> dict:
    catalogue = service.catalogue()
    articles = {a.id: f"{a.title} {a.summary} {a.body}" for a in catalogue.articles.values()}
    providers = {p.id: f"{p.name} {p.description}" for p in catalogue.providers.values()}
    baselines = {"article": PlainBM25(articles), "provider": PlainBM25(providers)}
    scores = {"article": Scores(), "provider": Scores(), "all": Scores()}
    for question in questions:
        ranked = baselines[question["kind"]].ranked(question["q"])
        for key in (question["kind"], "all"):
            scores[key].add(question["q"], question["relevant"], ranked)
    return _as_dict(scores)


def run() -> dict:
    # A fresh in-memory database, as `make search-eval` does: the figures are of the files.
    factory = make_sessionmaker(make_engine("sqlite://"))
    load_knowledge(load_settings().knowledge_dir, factory, progress=embedding_progress("kennisbank"))
    service = KnowledgeService(factory, embedder=RememberingEmbedder())
    sets = question_sets(QUESTIONS)
    labelled = every_question(sets)
    conversations = read_questions(FOLLOWUPS)
    not_answerable = read_questions(NOT_ANSWERABLE)
    rows = decision_labels(labelled, not_answerable)

    modes, decision = {}, {}
    for mode in MODES:
        modes[mode] = {name: _as_dict(evaluate(service, items, mode=mode)) for name, items in sets.items()}
        modes[mode]["followups"] = {"all": _figures(evaluate_followups(service, conversations, mode=mode))}
        scores = evaluate_decision(service, rows, mode=mode)
        decision[mode] = {
            "precision": scores.precision,  # 0 when nothing was answered: `answered` tells that apart
            "recall": scores.recall,
            "answered": sum(n for (_, decided), n in scores.counts.items() if decided == ANSWER),
            "n": sum(scores.counts.values()),
        }

    catalogue = service.catalogue()
    return {
        "sets": {
            "long": len(sets["long"]),
            "short": len(sets["short"]),
            "behaviour": len(sets["behaviour"]),
            "conversations": len(conversations),
            "answerable": len(labelled),
            "not_answerable": len(not_answerable),
        },
        "articles": len(catalogue.articles),
        "providers": len(catalogue.providers),
        "modes": modes,
        "decision": decision,
        # The earlier comparison: hybrid on all labelled questions against plain BM25.
        "questions": len(labelled),
        "ours": _as_dict(evaluate(service, labelled)),
        "ours_no_audience": _as_dict(evaluate(service, labelled, use_audience=False)),
        "bm25": _plain_bm25(service, labelled),
    }
