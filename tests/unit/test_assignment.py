"""Claim, release and hand over, by the holder or a lead, each in the audit log; closing purges the
callback number, also one still parked for the conversation."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, select

from bot.advisors.accounts import AccountService
from bot.advisors.audit import AuditLog, describe
from bot.escalation.callbacks_log import CallbackLog
from bot.escalation.hours import OfficeHours
from bot.escalation.lifecycle import NotHolder, TransitionError
from bot.escalation.service import EscalationService
from bot.store import Escalation, PendingCallback, unit_of_work

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
PASSWORD = "een-lang-proefwachtwoord"


@pytest.fixture
def clock():
    moments = {"now": NOW}
    return moments


@pytest.fixture
def inbox(factory, clock):
    accounts = AccountService(factory)
    for name in ("anna", "bram", "carla"):
        accounts.add(name, PASSWORD)
    accounts.add("lotte", PASSWORD, role="lead")
    with unit_of_work(factory) as session:
        session.add(Escalation(ticket="E-1", reason="user_request", mode="callback", conversation_id="c1",
                               created_at=NOW.replace(tzinfo=None), callback_phone="0612345678"))
        session.add(PendingCallback(conversation_id="c1", phone="0687654321", asked_at=NOW.replace(tzinfo=None)))
    hours = OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam")
    return EscalationService(factory, hours, create_engine("sqlite://", future=True), clock=lambda: clock["now"])


def test_claim_hand_over_release_and_the_audit_trail(inbox, factory, clock):
    inbox.claim("E-1", "anna")
    clock["now"] = NOW + timedelta(minutes=5)
    with pytest.raises(NotHolder, match="Alleen anna of een teamleider kan hem overdragen"):
        inbox.hand_over("E-1", "bram", "bram")
    with pytest.raises(TransitionError, match="Kies een collega"):
        inbox.hand_over("E-1", "anna", "niemand")
    with pytest.raises(TransitionError, match="al in behandeling bij anna"):
        inbox.hand_over("E-1", "anna", "anna")
    inbox.hand_over("E-1", "anna", "Bram")
    item = inbox.get("E-1")
    assert (item["claimed_by"], item["claimed_at"]) == ("bram", "2026-11-25T10:05:00+00:00")
    assert item["first_claimed_at"] == "2026-11-25T10:00:00+00:00"  # the waiting time ended at the first claim
    inbox.hand_over("E-1", "lotte", "carla", lead=True)
    with pytest.raises(NotHolder, match="kan hem teruglegen"):
        inbox.release("E-1", "bram")
    inbox.release("E-1", "carla")
    item = inbox.get("E-1")
    assert (item["status"], item["claimed_by"], item["first_claimed_at"]) == ("open", None, "2026-11-25T10:00:00+00:00")
    with pytest.raises(TransitionError, match="staat al open"):
        inbox.release("E-1", "carla")
    entries = AuditLog(factory).actions(ticket="E-1")
    assert [(e.actor, e.action, e.subject, describe(e)) for e in entries] == [
        ("anna", "claim", None, "opgepakt"),
        ("anna", "hand_over", "bram", "overgedragen aan bram"),
        ("lotte", "hand_over", "carla", "overgedragen aan carla"),
        ("carla", "release", None, "teruggelegd in de inbox"),
    ]


def test_no_hand_over_to_a_disabled_colleague(inbox):
    AccountService(inbox.factory).disable("bram", "lotte")
    inbox.claim("E-1", "anna")
    with pytest.raises(TransitionError, match="Kies een collega"):
        inbox.hand_over("E-1", "anna", "bram")


def test_callback_attempts_requeue_and_the_number_is_purged_on_close(inbox, factory, clock):
    log = CallbackLog(factory, timedelta(minutes=90), clock=lambda: clock["now"])
    with pytest.raises(TransitionError, match="Kies hoe"):
        log.record("E-1", "anna", "bezet")
    log.record("E-1", "anna", "no_answer", "  voicemail  ")
    assert inbox.get("E-1")["next_attempt_at"] == "2026-11-25T11:30:00+00:00"
    clock["now"] = NOW + timedelta(hours=2)
    log.record("E-1", "bram", "reached", "afspraak gemaakt")
    assert inbox.get("E-1")["next_attempt_at"] is None
    assert [(a["advisor"], a["outcome"], a["note"], a["at"]) for a in log.attempts("E-1")] == [
        ("anna", "no_answer", "voicemail", "2026-11-25T10:00:00+00:00"),
        ("bram", "reached", "afspraak gemaakt", "2026-11-25T12:00:00+00:00"),
    ]
    assert [e.action for e in AuditLog(factory).actions(ticket="E-1")] == ["callback_attempt"] * 2
    inbox.claim("E-1", "anna")
    inbox.close("E-1", "anna")
    with unit_of_work(factory) as session:
        assert session.execute(select(Escalation.callback_phone).where(Escalation.ticket == "E-1")).scalar() is None
        assert session.get(PendingCallback, "c1") is None
    assert inbox.get("E-1")["callback"] is None and log.attempts("E-1")  # the attempts stay, without a number
    with pytest.raises(TransitionError, match="geen terugbelpoging"):
        log.record("E-1", "anna", "reached")
