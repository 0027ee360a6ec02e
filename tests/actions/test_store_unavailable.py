"""jep.db stays locked: what was said stands, and the professional hears the request was not registered."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.callback import ValidateCallbackForm
from actions.escalation import ActionAcuteDanger, ActionEscalate
from bot.config import ROOT, load_settings
from bot.escalation.callback import PendingCallbacks
from bot.services import build_services
from bot.store import make_engine, make_sessionmaker
from bot.store.retry import RetryPolicy
from tests.actions.conftest import make_tracker, responses

QUICK = RetryPolicy(attempts=3, first_pause=0.01, longest_pause=0.02)
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def jep_db(tmp_path):
    """Services on a database file, and a function that locks it as another process would."""
    path = tmp_path / "jep.db"
    services = build_services(load_settings(), make_sessionmaker(make_engine(f"sqlite:///{path}", QUICK)))
    holder = sqlite3.connect(path, isolation_level=None)
    yield services, lambda: holder.execute("BEGIN EXCLUSIVE")
    holder.rollback()


@pytest.fixture
def locked_services(jep_db):
    services, lock = jep_db
    lock()
    return services


def run(action, tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def test_a_ticket_that_cannot_be_stored_is_reported_with_the_advieslijn(locked_services):
    messages, events = run(ActionEscalate(locked_services), make_tracker("ik wil een adviseur", "request_human"))
    assert responses(messages) == ["utter_not_registered"]
    assert events == []


def test_acute_danger_still_says_112_first(locked_services):
    messages, _ = run(ActionAcuteDanger(locked_services), make_tracker("hij heeft een mes bij zich", "acute_danger"))
    assert responses(messages) == ["utter_acute_112", "utter_not_registered"]


def test_the_callback_form_stops_when_the_number_cannot_be_stored(jep_db):
    services, lock = jep_db
    tracker = make_tracker("[TELEFOON]", "inform", slots={"requested_slot": "callback_phone"})
    PendingCallbacks(services.factory).ask(tracker.sender_id)
    PendingCallbacks(services.factory).park(tracker.sender_id, "0612345678")
    lock()
    tracker.active_loop = {"name": "callback_form"}
    tracker.slots["callback_phone"] = "[TELEFOON]"  # extracted from the message: the form validates it
    tracker.events.append({"event": "slot", "name": "callback_phone", "value": "[TELEFOON]"})
    messages, events = run(ValidateCallbackForm(services), tracker)
    assert responses(messages) == ["utter_not_registered"]
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
