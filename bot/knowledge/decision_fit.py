"""Fitting the answer decision on labelled inputs, with cross-validated figures."""

from __future__ import annotations

import random
from datetime import date

import yaml

from bot.knowledge.decision import CLASSES, DecisionModel, fit
from bot.knowledge.evaluate import DecisionScores, find
from bot.knowledge.hybrid import Signals
from bot.knowledge.service import KnowledgeService

FOLDS = 5
# Answering an out-of-scope question with articles misleads; asking back costs a turn.
# The threshold is the lowest whose held-out precision of 'answer' stays at least this.
MIN_PRECISION = 0.975
THRESHOLDS = (0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15)


def signals_of(knowledge: KnowledgeService, rows: list[tuple[dict, str]]) -> list[tuple[Signals, str]]:
    """The ranking signals of each labelled input, searched as the assistant would."""
    return [(find(knowledge, question).signals, label) for question, label in rows]


def choose_threshold(rows: list[tuple[Signals, str]]) -> tuple[float, dict]:
    """The answer threshold and its cross-validated report."""
    chosen = THRESHOLDS[0], cross_validate(rows, THRESHOLDS[0])
    for threshold in THRESHOLDS[1:]:
        report = cross_validate(rows, threshold)
        if report["answer_precision"] < MIN_PRECISION:
            break
        chosen = threshold, report
    return chosen


def cross_validate(rows: list[tuple[Signals, str]], threshold: float, folds: int = FOLDS, seed: int = 42) -> dict:
    """Precision and recall of 'answer', and accuracy over the three decisions, on held-out folds."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    scores = DecisionScores()
    for fold in range(folds):
        held = {index for position, index in enumerate(order) if position % folds == fold}
        model = fit([row for index, row in enumerate(rows) if index not in held], threshold)
        for index in held:
            signals, expected = rows[index]
            scores.add(expected, model.decide(signals))
    confusion = {(e, d): scores.counts.get((e, d), 0) for e in CLASSES for d in CLASSES}
    return {
        "answer_threshold": threshold,
        "inputs": len(rows),
        "folds": folds,
        "answer_precision": round(scores.precision, 3),
        "answer_recall": round(scores.recall, 3),
        "accuracy": round(scores.accuracy, 3),
        "confusion (expected → decided)": {f"{e} → {d}": n for (e, d), n in confusion.items() if n},
    }


def render(model: DecisionModel, report: dict) -> str:
    header = (
        "# The answer decision (bot/knowledge/decision.py), written by\n"
        "# `python -m bot knowledge fit-decision` on the labelled sets in tests/search/.\n"
        f"# Fitted {date.today().isoformat()}; cross-validated on held-out folds:\n"
    )
    figures = yaml.safe_dump(report, allow_unicode=True, sort_keys=False, width=100)
    body = yaml.safe_dump(model.to_dict(), sort_keys=False, width=100)
    return header + "".join(f"#   {line}\n" for line in figures.splitlines()) + body
