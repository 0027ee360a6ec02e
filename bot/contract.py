"""The structured reply contract (../shared/contract/payloads.md), in one place.

Actions send these dicts as custom payloads; the web page renders them.
Fields may be added, never renamed or removed.
"""

from __future__ import annotations

from bot.escalation.tickets import ADVIESLIJN, Ticket

MAX_ITEMS = 5


def article_url(article_id: str) -> str:
    return f"/kennis/{article_id}"


def articles_payload(query: str, articles: list[dict]) -> dict:
    return {
        "type": "articles",
        "query": query,
        "items": [
            {
                "id": a["id"],
                "title": a["title"],
                "summary": a["summary"],
                "url": article_url(a["id"]),
                "topics": list(a["topics"]),
                "score": a.get("score"),
            }
            for a in articles[:MAX_ITEMS]
        ],
    }


def providers_payload(providers: list[dict]) -> dict:
    return {
        "type": "providers",
        "items": [
            {
                "id": p["id"],
                "name": p["name"],
                "description": p["description"],
                "topics": list(p["topics"]),
                "audiences": list(p["audiences"]),
                "regions": list(p["regions"]),
                "services": list(p["services"]),
                "phone": p.get("phone"),
                "url": p.get("url"),
            }
            for p in providers[:MAX_ITEMS]
        ],
    }


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
