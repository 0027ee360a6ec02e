"""Rasa tracker events as the SQL tracker store writes them, for the insights' tests and bench.

The table is Rasa 3.6's `events` (rasa.core.tracker_store.SQLTrackerStore.SQLEvent) and each row's
`data` is the event's own JSON, so the rollup reads these exactly as it reads a real store.
"""

from __future__ import annotations

import json

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, insert
from sqlalchemy.engine import Engine

EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def create_tracker(engine: Engine) -> None:
    EVENTS.metadata.create_all(engine)


def _row(sender: str, kind: str, at: float, event: dict, intent=None, action=None) -> dict:
    data = json.dumps({"event": kind, "timestamp": at, **event})
    return {"sender_id": sender, "type_name": kind, "timestamp": at, "intent_name": intent,
            "action_name": action, "data": data}  # fmt: skip


def user(sender: str, at: float, text: str, intent: str = "ask_knowledge", confidence: float = 0.9) -> dict:
    parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}
    event = {"metadata": {}, "text": text, "parse_data": parse, "input_channel": "rest", "message_id": "m"}
    return _row(sender, "user", at, event, intent=intent)


def bot(sender: str, at: float, text: str | None = None, utter: str | None = None, custom: dict | None = None) -> dict:
    data = {"elements": None, "quick_replies": None, "buttons": None, "attachment": None, "image": None,
            "custom": custom}  # fmt: skip
    return _row(sender, "bot", at, {"metadata": {"utter_action": utter} if utter else {}, "text": text, "data": data})


def slot(sender: str, at: float, name: str, value) -> dict:
    return _row(sender, "slot", at, {"name": name, "value": value})


def action(sender: str, at: float, name: str) -> dict:
    return _row(sender, "action", at, {"name": name, "policy": None, "confidence": 1.0}, action=name)


def articles(*ids: str) -> dict:
    return {"type": "articles", "query": "q", "items": [{"id": i, "title": i, "topics": []} for i in ids]}


def providers(*ids: str) -> dict:
    return {"type": "providers", "items": [{"id": i, "name": i} for i in ids]}


def escalation(reason: str, mode: str) -> dict:
    return {"type": "escalation", "ticket": "E-2026-000001", "reason": reason, "mode": mode}


def insert_events(engine: Engine, rows: list[dict]) -> None:
    if not rows:
        return
    with engine.begin() as connection:
        connection.execute(insert(EVENTS), rows)
