"""Whether a question asks for help with a case or for information.

Some organisations only publish: the AIVD's annual reports, research
institutes. Asked who can help with a young person, a professional should
first see the organisations that advise or support; those that only inform
come later, unless the question names them or asks for information.
"""

from __future__ import annotations

import numpy as np

from bot.knowledge.search import Document
from bot.knowledge.text import STOPWORDS, words

HELP = frozenset(
    """
    helpen help helpt hulp terecht advies adviseren adviseert ondersteuning ondersteunen steun begeleiding
    begeleiden bellen contact aankloppen meedenken sparren hulpvraag raadplegen consulteren
    """.split()
)
INFORMATION = frozenset(
    """
    informatie info onderzoek onderzoeken onderzoeker onderzoekers cijfers publicatie publicaties publiceert
    rapport rapporten jaarverslag jaarverslagen dreigingsbeeld analyse analyses achtergrond achtergronden
    bron bronnen literatuur studie studies
    """.split()
)
INFORMING_SERVICES = frozenset({"informatie", "onderzoek"})  # no help with a case
LATER = 0.5  # factor on the fused score of an organisation that only informs


def asks_for_help(text: str) -> bool:
    said = set(words(text))
    return bool(said & HELP) and not said & INFORMATION


def only_informs(document: Document) -> bool:
    services = set(document.fields.get("services", "").split())
    return bool(services) and services <= INFORMING_SERVICES


def names(text: str, document: Document) -> bool:
    """Whether the question names the organisation: "AIVD", "Verwey-Jonker"."""
    name = {w for w in words(document.fields.get("name", "")) if w not in STOPWORDS and len(w) > 3}
    return bool(name & set(words(text)))


def help_first(text: str, documents: list[Document]) -> np.ndarray | None:
    """A factor per document that puts organisations that help first; None when no help is asked for."""
    if not asks_for_help(text):
        return None
    factors = [LATER if only_informs(doc) and not names(text, doc) else 1.0 for doc in documents]
    return np.array(factors) if min(factors) < 1.0 else None
