"""The query's words marked in a result's text: escaped first, so only <mark> is ever HTML."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from bot.knowledge.text import STOPWORDS, fold, stem, words

TOKEN = re.compile(r"\w+")
PREFIX = 5  # a query word this long also marks the compounds it begins ("complot" in "complotdenken")


def highlight(text: str, query: str) -> Markup:
    wanted = [w for w in words(query) if w not in STOPWORDS]
    stems = {stem(w) for w in wanted}
    prefixes = tuple(w for w in wanted if len(w) >= PREFIX)

    def matches(token: str) -> bool:
        folded = fold(token)
        return stem(folded) in stems or bool(prefixes and folded.startswith(prefixes))

    pieces, last = [], 0
    for found in TOKEN.finditer(text):
        if matches(found.group()):
            pieces.append(escape(text[last : found.start()]))
            pieces.append(Markup("<mark>%s</mark>") % found.group())
            last = found.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)
