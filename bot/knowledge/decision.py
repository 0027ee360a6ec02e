"""The answer decision: answer with the ranking, ask to clarify, or say it is not in scope.

A small multinomial logistic regression over the signals of a ranking
(bot.knowledge.hybrid.Signals) instead of fixed score cut-offs: an absolute
BM25 score says little when the question's words occur in every article.
`python -m bot knowledge fit-decision` fits it on the labelled questions in
tests/search/ (answerable ones, and out-of-scope, nonsense and vague inputs)
and writes decision.yml beside this file, with the cross-validated figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bot.knowledge.hybrid import Signals

ANSWER, CLARIFY, NONE = "answer", "clarify", "none"
CLASSES = (ANSWER, CLARIFY, NONE)
FEATURES = (
    "dense_top", "dense_gap", "lexical_top", "coverage", "log_words", "topic_agrees", "specificity", "keyword_hit"
)
MODEL_FILE = Path(__file__).with_name("decision.yml")


def features(signals: Signals) -> np.ndarray:
    return np.array(
        [
            signals.dense_top,
            signals.dense_gap,
            signals.lexical_top,
            signals.coverage,
            math.log1p(signals.words),
            signals.topic_agrees,
            signals.specificity,
            signals.keyword_hit,
        ]
    )


@dataclass(frozen=True)
class DecisionModel:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # one row per class in CLASSES
    intercept: np.ndarray
    answer_threshold: float = 0.5

    def probabilities(self, signals: Signals) -> dict[str, float]:
        logits = self.coef @ ((features(signals) - self.mean) / self.scale) + self.intercept
        exp = np.exp(logits - logits.max())
        return dict(zip(CLASSES, (exp / exp.sum()).tolist(), strict=True))

    def decide(self, signals: Signals) -> str:
        return self.choose(signals, self.probabilities(signals))

    def choose(self, signals: Signals, p: dict[str, float]) -> str:
        """The decision for `signals`, given their probabilities."""
        if signals.words == 0 or signals.dense_top <= 0:
            return NONE
        if p[ANSWER] >= self.answer_threshold:
            return ANSWER
        return CLARIFY if p[CLARIFY] >= p[NONE] else NONE

    def to_dict(self) -> dict:
        return {
            "features": list(FEATURES),
            "classes": list(CLASSES),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": self.intercept.round(6).tolist(),
            "answer_threshold": self.answer_threshold,
        }


def without_opinion() -> DecisionModel:
    """Equal odds for every class: for code that only reads the signals, such as fitting."""
    zeros = np.zeros(len(FEATURES))
    return DecisionModel(zeros, np.ones(len(FEATURES)), np.zeros((len(CLASSES), len(FEATURES))), np.zeros(len(CLASSES)))


def load_model(path: Path = MODEL_FILE) -> DecisionModel:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("features") != list(FEATURES) or data.get("classes") != list(CLASSES):
        raise ValueError(f"{path}: fitted on other features or classes; run `python -m bot knowledge fit-decision`")
    return DecisionModel(
        mean=np.array(data["mean"]),
        scale=np.array(data["scale"]),
        coef=np.array(data["coef"]),
        intercept=np.array(data["intercept"]),
        answer_threshold=float(data["answer_threshold"]),
    )


def fit(rows: list[tuple[Signals, str]], answer_threshold: float = 0.5) -> DecisionModel:
    from sklearn.linear_model import LogisticRegression

    x = np.array([features(signals) for signals, _ in rows])
    y = np.array([CLASSES.index(label) for _, label in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    classifier = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    classifier.fit((x - mean) / scale, y)
    coef, intercept = np.zeros((len(CLASSES), x.shape[1])), np.full(len(CLASSES), -1e3)
    for row, label in enumerate(classifier.classes_):
        coef[label], intercept[label] = classifier.coef_[row], classifier.intercept_[row]
    return DecisionModel(mean, scale, coef, intercept, answer_threshold)
