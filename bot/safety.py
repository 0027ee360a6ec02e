"""A safety net for acute danger, beside the NLU.

The intent classifier routes most acute messages; this catches the ones it
misreads (as a knowledge question or as not understood), so that a message
about a weapon or an attack happening now always gets 112 first. It only
looks for the combination of violence and immediacy, never judges a person.
"""

from __future__ import annotations

import re

from bot.knowledge.text import fold

_VIOLENCE = (
    r"(wapen|vuurwapen|pistool|geweer|mes|messen|bom|explosie|aanslag|steekpartij|schiet\w*"
    r"|(neer|dood)\s?(te\s)?(steken|schieten|maken)|vermoorden|ombrengen|gijzel\w*)"
)
_NOW = (
    r"(nu|net|vandaag|vanavond|vannacht|morgen|straks|op dit moment|zojuist|onderweg|hier|binnen"
    r"|gaat .{0,30}(plegen|doen|schieten|steken))"
)
_PATTERNS = [
    re.compile(rf"\b{_VIOLENCE}\b.{{0,60}}\b{_NOW}\b"),
    re.compile(rf"\b{_NOW}\b.{{0,60}}\b{_VIOLENCE}\b"),
    re.compile(r"\b(loopt|staat|is)\b.{0,30}\bmet (een )?(wapen|vuurwapen|pistool|geweer|mes)\b"),
    re.compile(r"\b(heeft|draagt|toont|laat)\b.{0,20}\b(een )?(vuurwapen|pistool|geweer|bom)\b"),
]
_QUESTION_ABOUT = re.compile(r"\b(hoe|wat moet ik|wat doe je|wat te doen|protocol|als een|stel dat|wanneer)\b")


def looks_acute(text: str) -> bool:
    """True when the text describes violence with a sense of now ("net gezegd", "vandaag")."""
    folded = fold(text)
    if _QUESTION_ABOUT.search(folded) and not re.search(r"\b(nu|net|vandaag|zojuist|op dit moment)\b", folded):
        return False
    return any(pattern.search(folded) for pattern in _PATTERNS)
