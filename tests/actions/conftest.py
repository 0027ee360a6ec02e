from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import datetime, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.escalation.service import EscalationService

MONDAY_NOON = datetime(2026, 11, 30, 11, 0, tzinfo=timezone.utc)


def user_event(text: str, intent: str, entities=None) -> dict:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return {"event": "user", "text": text, "parse_data": parse}


def make_tracker(text: str, intent: str, entities=None, history=(), slots=None, sender=None) -> Tracker:
    """A tracker whose latest message is `text`, after the events in `history`.

    Each gets its own conversation unless `sender` says otherwise: a conversation has one open ticket.
    """
    sender = sender or f"test-{uuid.uuid4().hex[:12]}"
    latest = user_event(text, intent, entities)
    return Tracker(
        sender_id=sender,
        slots=slots or {},
        latest_message=latest["parse_data"],
        events=[*history, latest],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def run_action(services):
    """Runs an action class against the test services; returns the dispatcher's messages."""
    clocked = dataclasses.replace(
        services, escalation=EscalationService(services.factory, services.escalation.hours,
                                               services.escalation.events.engine, clock=lambda: MONDAY_NOON)
    )

    def run(action_class, tracker: Tracker) -> list[dict]:
        dispatcher = CollectingDispatcher()
        asyncio.run(action_class(clocked).run(dispatcher, tracker, {}))
        return dispatcher.messages

    return run


def responses(messages: list[dict]) -> list[str]:
    return [m.get("response") or (m.get("custom") or {}).get("type") for m in messages]
