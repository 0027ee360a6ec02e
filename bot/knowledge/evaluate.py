"""How well the search answers: recall@1, recall@3 and MRR on labelled question
sets (long, short, two-turn follow-ups), per ranking mode, and the precision
and recall of the answer decision."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from bot.knowledge.context import (
    Context,
    Question,
    answer_question,
    find_providers,
    providers_in_region,
    shown_providers,
)
from bot.knowledge.decision import ANSWER, CLARIFY, NONE
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
    return [q for path in sorted(directory.glob("*.yml")) for q in _read(path)]


SET_PREFIXES = {"short": "short", "behaviour": "behaviour"}  # file name prefix of a set; the rest is "long"


def question_sets(directory: Path) -> dict[str, list[dict]]:
    """tests/search/questions split into long questions, short inputs (files short_*.yml) and
    descriptions of what a young person does (behaviour*.yml)."""
    paths = sorted(directory.glob("*.yml"))

    def set_of(path: Path) -> str:
        return next((name for name, prefix in SET_PREFIXES.items() if path.name.startswith(prefix)), "long")

    sets: dict[str, list[dict]] = {"long": [], **{name: [] for name in SET_PREFIXES}}
    for path in paths:
        sets[set_of(path)] += _read(path)
    return sets


def _read(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def find(service: KnowledgeService, question: dict, **options):
    """Searches the articles or providers a labelled question is about, for its audience."""
    return service.find(question["kind"], question["q"], **{"audience": question.get("audience"), **options})


def evaluate(
    service: KnowledgeService, questions: list[dict], use_audience: bool = True, mode: str = "hybrid"
) -> dict[str, Scores]:
    """Scores per kind ('article', 'provider') and over all questions."""
    results = {"article": Scores(), "provider": Scores(), "all": Scores()}
    for question in questions:
        audience = question.get("audience") if use_audience else None
        ranked = [hit.id for hit in find(service, question, audience=audience, limit=10, mode=mode).items]
        for key in (question["kind"], "all"):
            results[key].add(question["q"], question["relevant"], ranked)
    return results


@dataclass
class DecisionScores:
    """Precision and recall of 'answer' over answerable and not-answerable inputs."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (expected, decided) → n

    def add(self, expected: str, decided: str) -> None:
        self.counts[expected, decided] = self.counts.get((expected, decided), 0) + 1

    def _n(self, expected=None, decided=None) -> int:
        return sum(
            n
            for (e, d), n in self.counts.items()
            if (expected is None or e == expected) and (decided is None or d == decided)
        )

    @property
    def precision(self) -> float:
        answered = self._n(decided=ANSWER)
        return self._n(ANSWER, ANSWER) / answered if answered else 0.0

    @property
    def recall(self) -> float:
        answerable = self._n(expected=ANSWER)
        return self._n(ANSWER, ANSWER) / answerable if answerable else 0.0

    @property
    def accuracy(self) -> float:
        total = self._n()
        return sum(n for (expected, decided), n in self.counts.items() if expected == decided) / total if total else 0.0


def decision_labels(questions: list[dict], not_answerable: list[dict]) -> list[tuple[dict, str]]:
    """(item, expected decision): labelled questions are answerable; vague inputs ask to clarify."""
    rows = [(q, ANSWER) for q in questions]
    for item in not_answerable:
        rows.append(({"q": item["q"], "kind": "article"}, CLARIFY if item["label"] == "vague" else NONE))
    return rows


def decision_rows(sets: Path) -> list[tuple[dict, str]]:
    """Every labelled input of the search sets (tests/search) with the decision it expects."""
    questions = question_sets(sets / "questions")
    return decision_labels(every_question(questions), read_questions(sets / "decision"))


def every_question(sets: dict[str, list[dict]]) -> list[dict]:
    return [question for items in sets.values() for question in items]


def evaluate_decision(service: KnowledgeService, rows: list[tuple[dict, str]], mode: str = "hybrid"):
    scores = DecisionScores()
    for question, expected in rows:
        scores.add(expected, find(service, question, mode=mode).decision)
    return scores


def evaluate_followups(service: KnowledgeService, conversations: list[dict], mode: str = "hybrid") -> Scores:
    """Scores of the second and later turns, each read with the context the turns before left."""
    scores = Scores()
    for conversation in conversations:
        context = Context()
        for number, turn in enumerate(conversation["turns"]):
            context, ranked = play_turn(service, turn, context, mode)
            if number:
                scores.add(turn["say"], turn["relevant"], ranked)
    return scores


def play_turn(service: KnowledgeService, turn: dict, context: Context, mode: str = "hybrid"):
    """(the context after the turn, the ids it showed) for a labelled turn, as the actions would answer it."""
    kind, text = turn["kind"], turn["say"]
    if kind == "contact":
        return context, [p.id for p in shown_providers(service, context)]
    if kind == "region":
        context = replace(context, region=turn.get("region"))
        return context, [p.id for p in providers_in_region(service, context)]
    question = Question(text, context, mode=mode)
    reply = find_providers(service, question) if kind == "provider" else answer_question(service, question)
    shown = [item.id for item in reply.found.items] if reply.found.answered or kind == "provider" else []
    return reply.context, shown
