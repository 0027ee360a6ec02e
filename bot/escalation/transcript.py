"""The conversation behind an escalation as an advisor reads it: who said what, oldest first,
from Rasa's tracker store. A payload (articles, providers, a referral) becomes one line of words."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.store.tracker_events import TrackerEvent, TrackerEvents

PAYLOAD_LABELS = {"articles": "Artikelen", "providers": "Organisaties"}


def transcript(events: TrackerEvents, conversation_id: str) -> list[dict]:
    return [_line(event) for event in events.read(("user", "bot"), [conversation_id])]


def _line(line: TrackerEvent) -> dict:
    event = line.event
    payload = (event.get("data") or {}).get("custom") if line.kind == "bot" else None
    payload = payload if isinstance(payload, dict) else None
    if line.kind == "user":
        who = "professional"
    else:
        # In live mode a message an advisor types into the chat carries the advisor's name in its metadata.
        who = "adviseur" if (event.get("metadata") or {}).get("advisor") else "assistant"
    moment = datetime.fromtimestamp(line.timestamp, timezone.utc) if line.timestamp else None
    return {
        "time": moment.isoformat() if moment else None,
        "who": who,
        "text": event.get("text") or (_describe(payload) if payload else ""),
        "payload_type": payload.get("type") if payload else None,
    }


def _describe(payload: dict) -> str:
    """A payload in one line of words, for an advisor reading the transcript."""
    kind = payload.get("type")
    if kind == "escalation":
        return f"Doorverwezen naar een adviseur (ticket {payload.get('ticket')})."
    items = payload.get("items") if isinstance(payload.get("items"), list) else []
    names = [str(i.get("title") or i.get("name")) for i in items if isinstance(i, dict)]
    return f"{PAYLOAD_LABELS.get(kind, 'Bericht')}: {'; '.join(names)}" if names else ""
