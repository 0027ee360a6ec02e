"""Keyboard noise: letter strings no language has ("qwq", "sdfgh", "pppp oooo").

The intent classifier files such strings under some intent all the same, even
a greeting or a yes (bot/rasa_plugins/noise_filter.py), and the actions count
them as not understood for the two-stage fallback.
"""

from __future__ import annotations

import re

from bot.knowledge.text import STOPWORDS, words

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEYBOARD_RUNS = tuple(row for forward in _ROWS for row in (forward, forward[::-1]))
_ONE_LETTER = re.compile(r"(\w)\1+")
_STRETCHED = re.compile(r"(\w)\1{2,}")
_VOWEL = re.compile(r"[aeiouy]")
_CONSONANTS = re.compile(r"[^aeiouy]{5,}")


def noise_word(token: str) -> bool:
    """One letter over and over, no vowel, five consonants in a row, or a run of keys ("ertyu")."""
    if any(character.isdigit() for character in token):
        return False  # an age, a year, "5g": not typed by accident
    if len(token) >= 3 and _ONE_LETTER.fullmatch(token):
        return True
    squeezed = _STRETCHED.sub(r"\1", token)  # "hallooo" is "hallo", "ideeen" is "ideeën"
    if not _VOWEL.search(squeezed) or _CONSONANTS.search(squeezed):
        return True
    return len(token) >= 4 and any(token in run for run in _KEYBOARD_RUNS)


def looks_like_noise(text: str) -> bool:
    """Most words are noise, and not one is a common Dutch word; or there are no letters at all."""
    tokens = [token for token in words(text) if not token.isdigit()]
    if not tokens or any(token in STOPWORDS for token in tokens):
        return not tokens
    return sum(1 for token in tokens if noise_word(token)) * 2 > len(tokens)
