from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.escalation.callback import PendingCallbacks, masked, normalise_phone
from bot.escalation.hours import OfficeHours
from bot.escalation.service import EscalationService
from bot.store import Escalation, make_engine, unit_of_work


@pytest.mark.parametrize(
    "typed, stored",
    [("06-12345678", "0612345678"), ("06 1234 5678", "0612345678"), ("070 333 45 58", "0703334558"),
     ("020-1234567", "0201234567"), ("+31 6 1234 5678", "0612345678"), ("0031 20 123 4567", "0201234567"),
     ("(010) 123 45 67", "0101234567")],
)  # fmt: skip
def test_dutch_fixed_mobile_and_plus31_numbers_are_accepted(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "06-1234567", "+44 20 7946 0958", "0900-8844", "0800-2000", "", "bel me"])
def test_other_input_is_refused(typed):
    assert normalise_phone(typed) is None


def test_the_professional_sees_only_the_last_digits():
    assert masked("0612345678") == "het nummer dat eindigt op 78"


def test_a_number_is_parked_only_after_the_assistant_asked_for_it(factory):
    pending = PendingCallbacks(factory)
    assert not pending.park("g", "06-12345678")
    pending.ask("g")
    assert pending.park("g", "06-12345678")
    assert pending.take("g") == "06-12345678"
    assert pending.take("g") is None  # handed over once, then gone


def test_a_question_left_unanswered_expires(factory):
    now = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)
    clock = [now]
    pending = PendingCallbacks(factory, clock=lambda: clock[0])
    pending.ask("g")
    clock[0] = now + timedelta(minutes=30)
    assert not pending.park("g", "06-12345678")


def test_switching_to_a_callback_updates_the_open_escalation(factory):
    service = EscalationService(factory, OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam"),
                                make_engine("sqlite://"))
    first = service.escalate("g", reason="user_request")
    switched = service.switch("g", "callback", callback_phone="0612345678", callback_moment="morgen")
    assert switched.ticket == first.ticket and switched.mode == "callback"
    other = service.switch("nieuw", "live")
    assert other.ticket != first.ticket
    with unit_of_work(factory) as session:
        record = session.execute(select(Escalation).where(Escalation.ticket == first.ticket)).scalar_one()
        assert (record.mode, record.callback_phone, record.callback_moment) == ("callback", "0612345678", "morgen")
