"""What every JSON endpoint from outside checks before it reads a body.

Browsers may call the REST webhook and /feedback only from the allow-listed
origins (JEP_ALLOWED_ORIGINS); tools without a browser send no Origin at all
and are let through. Only `application/json` is read: a form or `text/plain`
post is what a hostile page can send without asking the browser first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MAX_BODY = 64 * 1024  # a message is at most 1000 characters; room for JSON escapes and the rest

REFUSED_ORIGIN = "Deze website mag de assistent niet aanroepen."
NOT_JSON = "Stuur de gegevens als JSON (Content-Type: application/json)."
TOO_LARGE = "Het verzoek is te groot."
NOT_AN_OBJECT = "Het verzoek moet een JSON-object zijn."


def origin_refused(origin: str | None, allowed: Iterable[str]) -> bool:
    return origin is not None and origin not in set(allowed)


def is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object; None for anything else, also for invalid UTF-8 or absurd nesting."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def refusal(
    origin: str | None, content_type: str | None, body: bytes, allowed: Iterable[str]
) -> tuple[int, str] | None:
    """Status and Dutch reason when a request is refused before its body means anything."""
    if origin_refused(origin, allowed):
        return 403, REFUSED_ORIGIN
    if not is_json(content_type):
        return 415, NOT_JSON
    if len(body) > MAX_BODY:
        return 400, TOO_LARGE  # like an oversized sender or message: a bad request
    return None
