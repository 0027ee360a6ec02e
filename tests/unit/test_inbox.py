"""The advisors' inbox: order, the open → claimed → closed steps, notes, and the transcript."""
import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine

from bot.escalation.hours import OfficeHours
from bot.escalation.lifecycle import NotHolder, TransitionError, UnknownTicket, may_finish
from bot.escalation.service import EscalationService
from bot.store import Escalation, unit_of_work

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def add(factory, ticket: str, reason: str, minutes_ago: int, status: str = "open", mode_live: bool = False,
        **extra) -> None:  # fmt: skip
    with unit_of_work(factory) as session:
        created = (NOW - timedelta(minutes=minutes_ago)).replace(tzinfo=None)
        session.add(Escalation(ticket=ticket, reason=reason, mode="live" if mode_live else "phone", status=status,
                               conversation_id=f"gesprek-{ticket}", created_at=created, **extra))  # fmt: skip


@pytest.fixture
def inbox(factory, tmp_path):
    return EscalationService(factory, OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam"),
                             create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True), clock=lambda: NOW)


def test_acute_first_then_newest_first_and_no_closed(inbox, factory):
    add(factory, "E-1", "user_request", 50)
    add(factory, "E-2", "acute", 40)
    add(factory, "E-3", "low_confidence", 10)
    add(factory, "E-4", "acute", 5, status="claimed", claimed_by="anna")
    add(factory, "E-5", "user_request", 1, status="closed")
    assert [i["ticket"] for i in inbox.open_items()] == ["E-4", "E-2", "E-3", "E-1"]
    first = inbox.open_items()[0]
    assert first["acute"] and first["status"] == "claimed" and first["created_at"] == "2026-11-28T11:55:00+00:00"


def test_open_then_claimed_then_closed_and_never_back(inbox, factory):
    add(factory, "E-1", "user_request", 5)
    with pytest.raises(TransitionError, match="nog niet opgepakt"):
        inbox.close("E-1", "anna")
    inbox.claim("E-1", "anna")
    with pytest.raises(TransitionError, match="al opgepakt door anna"):
        inbox.claim("E-1", "bram")
    item = inbox.get("E-1")
    assert item["status"] == "claimed" and item["claimed_by"] == "anna" and item["claimed_at"]
    inbox.close("E-1", "anna")
    item = inbox.get("E-1")
    assert item["status"] == "closed" and item["closed_at"] == NOW.isoformat()
    for step in (inbox.claim, inbox.close):
        with pytest.raises(TransitionError, match="al gesloten"):
            step("E-1", "anna")
    assert inbox.open_items() == []
    with pytest.raises(UnknownTicket, match="bestaat niet"):
        inbox.claim("E-404", "anna")


def test_only_the_holder_or_a_lead_closes(inbox, factory):
    add(factory, "E-1", "user_request", 5)
    add(factory, "E-2", "user_request", 4)
    inbox.claim("E-1", "anna")
    inbox.claim("E-2", "anna")
    with pytest.raises(NotHolder, match="in behandeling bij anna. Alleen anna of een teamleider"):
        inbox.close("E-1", "bram")
    assert inbox.get("E-1")["status"] == "claimed"
    assert not may_finish(inbox.get("E-1"), "bram", lead=False) and may_finish(inbox.get("E-1"), "anna", lead=False)
    inbox.close("E-1", "lotte", lead=True)
    inbox.close("E-2", "anna")
    assert [inbox.get(t)["status"] for t in ("E-1", "E-2")] == ["closed", "closed"]
    with pytest.raises(TransitionError, match="al gesloten"):
        inbox.close("E-1", "bram")  # a closed one says so, to anyone


def test_only_the_holder_or_a_lead_answers_a_live_chat(inbox, factory):
    add(factory, "E-1", "user_request", 5, mode_live=True)
    with pytest.raises(TransitionError, match="live chat die is opgepakt"):
        inbox.live_conversation("E-1", "anna")
    inbox.claim("E-1", "anna")
    assert inbox.live_conversation("E-1", "anna") == "gesprek-E-1"
    assert inbox.live_conversation("E-1", "lotte", lead=True) == "gesprek-E-1"
    with pytest.raises(NotHolder, match="kan in dit gesprek antwoorden"):
        inbox.live_conversation("E-1", "bram")
    inbox.add_note("E-1", "bram", "Ik heb haar collega gesproken.")  # a note stays open to colleagues


def test_notes_are_kept_in_order_until_the_escalation_is_closed(inbox, factory):
    add(factory, "E-1", "complex_case", 5, callback_phone="0612345678", callback_moment="morgen na 10 uur")
    inbox.add_note("E-1", "anna", "Eerst terugbellen.")
    inbox.claim("E-1", "anna")
    inbox.add_note("E-1", "anna", "  Gebeld, vervolgafspraak gemaakt.  ")
    with pytest.raises(TransitionError, match="lege notitie"):
        inbox.add_note("E-1", "anna", "   ")
    item = inbox.get("E-1")
    assert [n["text"] for n in item["notes"]] == ["Eerst terugbellen.", "Gebeld, vervolgafspraak gemaakt."]
    assert item["callback"] == {"phone": "0612345678", "moment": "morgen na 10 uur", "question": None}
    inbox.close("E-1", "anna")
    with pytest.raises(TransitionError, match="gesloten"):
        inbox.add_note("E-1", "anna", "Nog iets.")


def test_transcript_comes_from_rasas_tracker_store(inbox, tmp_path):
    assert inbox.transcript("gesprek") == []  # no tracker store yet
    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "tracker.db"))
    at = NOW.timestamp()
    articles = {"type": "articles", "items": [{"id": "a", "title": "Het gesprek aangaan"}]}
    events = [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered("ik maak me zorgen over een leerling", {"name": "ask_knowledge"}, timestamp=at + 1),
        SlotSet("topic", "signalen", timestamp=at + 2),
        BotUttered("Dit kan helpen.", timestamp=at + 3),
        BotUttered(None, data={"custom": articles}, timestamp=at + 4),
        BotUttered("Ik ben Anna van de Advieslijn.", metadata={"advisor": "anna"}, timestamp=at + 5),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("gesprek", events)))
    asyncio.run(store.save(DialogueStateTracker.from_events("ander", [UserUttered("niet van hem", timestamp=at)])))
    lines = inbox.transcript("gesprek")
    assert [(line["who"], line["text"], line["payload_type"]) for line in lines] == [
        ("professional", "ik maak me zorgen over een leerling", None),
        ("assistant", "Dit kan helpen.", None),
        ("assistant", "Artikelen: Het gesprek aangaan", "articles"),
        ("adviseur", "Ik ben Anna van de Advieslijn.", None),
    ]
    assert lines[0]["time"] == "2026-11-28T12:00:01+00:00"
