"""Recall@1, recall@3 and MRR of the search on a labelled question set."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.knowledge.service import KnowledgeService


@dataclass
class Scores:
    count: int = 0
    hits1: int = 0
    hits3: int = 0
    reciprocal: float = 0.0
    misses: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def add(self, question: str, relevant: list[str], ranked: list[str]) -> None:
        self.count += 1
        rank = next((i for i, item in enumerate(ranked, 1) if item in relevant), None)
        self.hits1 += rank == 1
        self.hits3 += rank is not None and rank <= 3
        self.reciprocal += 1 / rank if rank else 0.0
        if rank is None or rank > 3:
            self.misses.append((question, relevant, ranked[:3]))

    @property
    def recall1(self) -> float:
        return self.hits1 / self.count if self.count else 0.0

    @property
    def recall3(self) -> float:
        return self.hits3 / self.count if self.count else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal / self.count if self.count else 0.0


def read_questions(directory: Path) -> list[dict]:
    questions = []
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            questions.append(item)
    return questions


def evaluate(service: KnowledgeService, questions: list[dict], use_audience: bool = True) -> dict[str, Scores]:
    """Scores per kind ('article', 'provider') and over all questions."""
    results = {"article": Scores(), "provider": Scores(), "all": Scores()}
    for question in questions:
        audience = question.get("audience") if use_audience else None
        search = service.search_articles if question["kind"] == "article" else service.find_providers
        ranked = [hit["id"] for hit in search(question["q"], audience=audience, limit=10)]
        for key in (question["kind"], "all"):
            results[key].add(question["q"], question["relevant"], ranked)
    return results
