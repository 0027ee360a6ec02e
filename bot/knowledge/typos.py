"""Typo correction against the corpus vocabulary (symmetric delete, like SymSpell)."""

from __future__ import annotations

from collections import defaultdict


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


class TypoCorrector:
    """Maps an unknown word to the nearest frequent corpus word, if one is close."""

    MIN_LENGTH = 4

    def __init__(self, frequencies: dict[str, int]):
        self.frequencies = frequencies
        self.index: dict[str, set[str]] = defaultdict(set)
        for word in frequencies:
            if len(word) >= self.MIN_LENGTH - 1:
                self.index[word].add(word)
                for deleted in _deletes(word):
                    self.index[deleted].add(word)

    def correct(self, word: str) -> str | None:
        if word in self.frequencies or len(word) < self.MIN_LENGTH or word.isdigit():
            return None
        limit = 1 if len(word) < 8 else 2
        probes = {word} | _deletes(word)
        if limit == 2:
            probes |= {d2 for d1 in _deletes(word) for d2 in _deletes(d1)}
        candidates = {c for probe in probes for c in self.index.get(probe, ())}
        best, best_key = None, None
        for candidate in candidates:
            d = distance(word, candidate)
            if d <= limit and candidate[0] == word[0]:
                key = (d, -self.frequencies[candidate], candidate)
                if best_key is None or key < best_key:
                    best, best_key = candidate, key
        return best
