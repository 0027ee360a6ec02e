"""Names, colours and number formats the summary's tables and plots share."""

import math

OURS, REFERENCE = "JEP", "referentie"
COLOURS = {"ours": "#1f6f8b", "other": "#c97b2b"}
PALETTE = (COLOURS["ours"], COLOURS["other"], "#6a8d3a")  # for a third series
MODE_LABELS = {"hybrid": "hybride", "bm25": "alleen BM25F", "dense": "alleen dense (e5)"}
SET_LABELS = {
    "long": "lange vragen",
    "short": "korte invoer",
    "behaviour": "gedragsbeschrijvingen",
    "followups": "vervolgvragen",
}


def level_at(results: dict, stack: str, concurrency: int) -> dict | None:
    levels = (results.get("load") or {}).get("levels", {}).get(stack, [])
    return next((level for level in levels if level["concurrency"] == concurrency), None)


def fixed(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def in_ms(value, digits: int = 1) -> str:
    text = fixed(value, digits)
    return text if text == "–" else f"{text} ms"
