"""Precision and recall of the redaction on the labelled chat messages in tests/privacy/redaction_cases.yml.

A case gives a text and its expected redacted form; the expected spans follow from matching the placeholders
of the expected form against the text. A found span counts only when its type, start and end are all right.

    python -m bot.privacy.evaluate
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import yaml

from bot.privacy.redact import DETECTORS, Finding, redact

CASES = Path(__file__).resolve().parents[2] / "tests" / "privacy" / "redaction_cases.yml"
TYPES = [kind for kind, _ in DETECTORS]
_PLACEHOLDER = re.compile(r"\[(" + "|".join(TYPES) + r")\]")


def load_cases(path: Path = CASES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]


def expected_findings(text: str, redacted: str) -> set[Finding]:
    """The spans of `text` that the placeholders in `redacted` stand for."""
    kinds, pattern, last = [], "", 0
    for m in _PLACEHOLDER.finditer(redacted):
        # A placeholder already in the text (a message redacted before) is literal, not something to find.
        pattern += re.escape(redacted[last : m.start()]) + rf"(\[{m.group(1)}\]|.+?)"
        kinds.append(m.group(1))
        last = m.end()
    match = re.fullmatch(pattern + re.escape(redacted[last:]), text, re.DOTALL)
    if match is None:
        raise ValueError(f"expected output does not fit its text: {redacted!r}")
    return {Finding(kind, *match.span(n + 1)) for n, kind in enumerate(kinds) if match.group(n + 1) != f"[{kind}]"}


def score(cases: list[dict]) -> dict[str, dict[str, float]]:
    """Precision, recall and counts per type and "overall"."""
    true_pos, predicted, expected = Counter(), Counter(), Counter()
    for case in cases:
        gold = expected_findings(case["text"], case["redacted"])
        found = set(redact(case["text"]).found)
        true_pos.update(f.type for f in gold & found)
        predicted.update(f.type for f in found)
        expected.update(f.type for f in gold)
    for counter in (true_pos, predicted, expected):
        counter["overall"] = sum(counter.values())
    return {
        kind: {
            "precision": true_pos[kind] / predicted[kind] if predicted[kind] else 1.0,
            "recall": true_pos[kind] / expected[kind] if expected[kind] else 1.0,
            "expected": expected[kind],
            "found": predicted[kind],
        }
        for kind in [*TYPES, "overall"]
    }


def mistakes(cases: list[dict]) -> list[tuple[str, str, str]]:
    """(text, expected, actual) for each case whose redaction differs from the expected one."""
    return [(c["text"], c["redacted"], out) for c in cases if (out := redact(c["text"]).text) != c["redacted"]]


def ms_per_message(cases: list[dict], rounds: int = 20) -> float:
    texts = [c["text"] for c in cases]
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            redact(text)
    return (time.perf_counter() - start) * 1000 / (rounds * len(texts))


def main() -> None:
    cases = load_cases()
    print(f"{len(cases)} messages; spans count when type, start and end are right\n")
    print(f"{'type':<14} {'precision':>9} {'recall':>7} {'expected':>9} {'found':>6}")
    for kind, s in score(cases).items():
        print(f"{kind:<14} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['expected']:>9} {s['found']:>6}")
    wrong = mistakes(cases)
    print(f"\nmessages redacted exactly as expected: {len(cases) - len(wrong)}/{len(cases)}")
    for text, want, got in wrong:
        print(f"  text:     {text}\n  expected: {want}\n  got:      {got}")
    print(f"\ntime per message: {ms_per_message(cases):.3f} ms")


if __name__ == "__main__":
    main()
