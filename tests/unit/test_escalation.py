from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.escalation.hours import OfficeHours
from bot.escalation.tickets import EscalationService
from bot.store import Escalation, unit_of_work

HOURS = OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam")
MONDAY_NOON = datetime(2026, 11, 30, 11, 0, tzinfo=timezone.utc)
SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=timezone.utc)


def test_every_escalation_is_stored_with_a_ticket(factory):
    service = EscalationService(factory, HOURS, clock=lambda: MONDAY_NOON)
    first = service.escalate("gesprek-1", reason="user_request", topic="ouders")
    second = service.escalate("gesprek-2", reason="acute")
    assert (first.ticket, second.ticket) == ("E-2026-000001", "E-2026-000002")
    assert first.open_now and first.emergency is None and second.emergency == "112"
    with unit_of_work(factory) as session:
        rows = session.execute(select(Escalation).order_by(Escalation.id)).scalars().all()
        assert [(r.ticket, r.reason, r.mode, r.status, r.conversation_id, r.topic) for r in rows] == [
            ("E-2026-000001", "user_request", "phone", "open", "gesprek-1", "ouders"),
            ("E-2026-000002", "acute", "phone", "open", "gesprek-2", None),
        ]


def test_outside_office_hours_it_says_when_the_line_opens(factory):
    ticket = EscalationService(factory, HOURS, clock=lambda: SATURDAY).escalate("g", reason="low_confidence")
    assert not ticket.open_now
    assert ticket.opens == "maandag om 09:00"


def test_unknown_reason_is_a_programming_error(factory):
    with pytest.raises(ValueError):
        EscalationService(factory, HOURS).escalate("g", reason="boos")
