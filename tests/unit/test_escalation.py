from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.escalation.hours import OfficeHours
from bot.escalation.service import EscalationService
from bot.store import Escalation, make_engine, unit_of_work

HOURS = OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam")
MONDAY_NOON = datetime(2026, 11, 30, 11, 0, tzinfo=timezone.utc)
SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=timezone.utc)
TRACKER = make_engine("sqlite://")  # no conversations: these tests never read a transcript


def test_every_escalation_is_stored_with_a_ticket(factory):
    service = EscalationService(factory, HOURS, TRACKER, clock=lambda: MONDAY_NOON)
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
    ticket = EscalationService(factory, HOURS, TRACKER, clock=lambda: SATURDAY).escalate("g", reason="low_confidence")
    assert not ticket.open_now
    assert ticket.opens == "maandag om 09:00"


def test_unknown_reason_is_a_programming_error(factory):
    with pytest.raises(ValueError):
        EscalationService(factory, HOURS, TRACKER).escalate("g", reason="boos")


class FakeNotifier:
    def __init__(self):
        self.calls = []

    def notify(self, ticket, reason, topic):
        self.calls.append((ticket, reason, topic))


def rows(factory) -> list[tuple]:
    with unit_of_work(factory) as session:
        found = session.execute(select(Escalation).order_by(Escalation.id)).scalars().all()
        return [(r.ticket, r.reason, r.mode, r.status, r.topic) for r in found]


def test_asking_again_in_a_conversation_updates_its_ticket(factory):
    service = EscalationService(factory, HOURS, TRACKER, clock=lambda: MONDAY_NOON)
    first = service.escalate("g", reason="complex_case")
    again = service.escalate("g", reason="low_confidence", mode="callback", topic="ouders")
    assert (again.ticket, again.reason, again.mode) == (first.ticket, "complex_case", "callback")
    assert rows(factory) == [(first.ticket, "complex_case", "callback", "open", "ouders")]
    assert service.escalate("g", reason="user_request").mode == "callback"  # no mode given: it stays


def test_another_conversation_gets_its_own_ticket(factory):
    service = EscalationService(factory, HOURS, TRACKER, clock=lambda: MONDAY_NOON)
    assert service.escalate("g-1", reason="user_request").ticket != service.escalate("g-2", "user_request").ticket
    assert len(rows(factory)) == 2


def test_a_claimed_escalation_is_still_the_open_case(factory):
    service = EscalationService(factory, HOURS, TRACKER, clock=lambda: MONDAY_NOON)
    first = service.escalate("g", reason="user_request")
    EscalationService(factory, HOURS, TRACKER).claim(first.ticket, "an")
    assert service.escalate("g", reason="user_request").ticket == first.ticket


def test_after_closing_a_new_request_opens_a_new_ticket(factory):
    notifier = FakeNotifier()
    service = EscalationService(factory, HOURS, TRACKER, clock=lambda: MONDAY_NOON, notifier=notifier)
    inbox = EscalationService(factory, HOURS, TRACKER)
    first = service.escalate("g", reason="user_request")
    inbox.claim(first.ticket, "an")
    inbox.close(first.ticket, "an")
    second = service.escalate("g", reason="user_request")
    assert second.ticket != first.ticket
    assert [r[3] for r in rows(factory)] == ["closed", "open"]
    assert [call[0] for call in notifier.calls] == [first.ticket, second.ticket]


def test_turning_acute_upgrades_the_ticket_and_alerts_the_advisors_again(factory):
    notifier = FakeNotifier()
    service = EscalationService(factory, HOURS, TRACKER, clock=lambda: MONDAY_NOON, notifier=notifier)
    first = service.escalate("g", reason="user_request", topic="online")
    service.escalate("g", reason="user_request")  # nothing new for the advisors
    acute = service.escalate("g", reason="acute")
    service.escalate("g", reason="acute")
    assert (acute.ticket, acute.reason, acute.emergency) == (first.ticket, "acute", "112")
    assert notifier.calls == [(first.ticket, "user_request", "online"), (first.ticket, "acute", "online")]
    assert service.escalate("g", reason="user_request").reason == "acute"  # acute never goes back


@pytest.mark.parametrize(
    "first, then, kept",
    [("low_confidence", "user_request", "user_request"), ("negative_feedback", "user_request", "user_request"),
     ("complex_case", "user_request", "complex_case"), ("user_request", "low_confidence", "user_request"),
     ("low_confidence", "negative_feedback", "low_confidence")],
)  # fmt: skip
def test_an_explicit_request_outranks_the_assistants_doubts(factory, first, then, kept):
    service = EscalationService(factory, HOURS, TRACKER, clock=lambda: MONDAY_NOON)
    service.escalate("g", reason=first)
    assert service.escalate("g", reason=then).reason == kept
    assert [r[1] for r in rows(factory)] == [kept]


def test_callback_details_are_merged_into_the_open_ticket(factory):
    service = EscalationService(factory, HOURS, TRACKER, clock=lambda: MONDAY_NOON)
    first = service.escalate("g", reason="user_request", mode="callback", callback_phone="0612345678")
    service.escalate("g", reason="user_request", callback_moment="morgen", callback_question=None)
    service.switch("g", "callback", callback_question="Hoe meld ik dit?", callback_moment=None)
    with unit_of_work(factory) as session:
        record = session.execute(select(Escalation).where(Escalation.ticket == first.ticket)).scalar_one()
        assert (record.callback_phone, record.callback_moment, record.callback_question) == (
            "0612345678",
            "morgen",
            "Hoe meld ik dit?",
        )
    assert len(rows(factory)) == 1
