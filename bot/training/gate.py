"""The gate's decision, without running anything: a candidate model gets in only if it is not worse.

Macro-F1 on tests/nlu_test.yml (never trained on) may drop by at most MAX_F1_DROP and no
conversation test may fail. bot/training/retrain.py runs the tests and applies the decision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

MAX_F1_DROP = 0.01


@dataclass(frozen=True)
class Decision:
    accept: bool
    reasons: list[str]


def decide(current_f1: float | None, candidate_f1: float, conversations_failed: int,
           max_drop: float = MAX_F1_DROP) -> Decision:  # fmt: skip
    """Accept unless macro-F1 drops by more than max_drop or a conversation test fails."""
    reasons = []
    # Rounded, so a drop of exactly max_drop is not refused by a floating-point hair.
    if current_f1 is not None and round(current_f1 - candidate_f1, 6) > max_drop:
        reasons.append(f"macro-F1 daalt van {current_f1:.3f} naar {candidate_f1:.3f} (meer dan {max_drop})")
    if conversations_failed:
        reasons.append(f"{conversations_failed} gesprekstest(en) mislukt")
    return Decision(not reasons, reasons)


@dataclass(frozen=True)
class NluScores:
    macro_f1: float
    per_intent: dict[str, float]
    predictions: dict[str, tuple[str, str]]  # test sentence → (expected, predicted)


def read_nlu_results(out: Path) -> NluScores:
    """The scores `rasa test nlu --successes` wrote to out."""
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    per_intent = {
        name: values["f1-score"]
        for name, values in report.items()
        if isinstance(values, dict) and name not in ("macro avg", "weighted avg", "micro avg")
    }
    predictions = {}
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        for row in json.loads(path.read_text(encoding="utf-8")) if path.exists() else []:
            predictions[row["text"]] = (row["intent"], (row.get("intent_prediction") or {}).get("name") or "")
    return NluScores(report["macro avg"]["f1-score"], per_intent, predictions)


def changed_predictions(current: NluScores, candidate: NluScores) -> list[tuple[str, str, str, str]]:
    """(sentence, expected, current's prediction, candidate's prediction) where the two differ."""
    return [
        (text, expected, current.predictions.get(text, ("", ""))[1], predicted)
        for text, (expected, predicted) in sorted(candidate.predictions.items())
        if current.predictions.get(text, ("", ""))[1] != predicted
    ]
