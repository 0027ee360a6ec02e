"""The structured reply contract (../shared/contract/payloads.md), in one place.

Actions send these dicts as custom payloads; the web page renders them. The
articles' and providers' items are their records' own (bot.knowledge.records).
Fields may be added, never renamed or removed.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.escalation.tickets import ADVIESLIJN, Ticket
from bot.knowledge.records import Article, Provider

MAX_ITEMS = 5


def articles_payload(query: str, articles: Sequence[Article], public_url: str) -> dict:
    return {"type": "articles", "query": query, "items": _items(articles, public_url)}


def providers_payload(providers: Sequence[Provider], public_url: str) -> dict:
    return {"type": "providers", "items": _items(providers, public_url)}


def _items(records: Sequence[Article | Provider], public_url: str) -> list[dict]:
    """The best few, each as its contract item (bot.knowledge.records), with links under `public_url`."""
    return [record.payload_item(public_url) for record in records[:MAX_ITEMS]]


def escalation_payload(ticket: Ticket) -> dict:
    return {
        "type": "escalation",
        "ticket": ticket.ticket,
        "reason": ticket.reason,
        "mode": ticket.mode,
        "phone": ADVIESLIJN,
        "open_now": ticket.open_now,
        "hours": ticket.hours,
        "emergency": ticket.emergency,
    }
