"""Service levels and the lead's figures, computed exactly on escalations with known times."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.escalation.figures import Figures, FiguresError, period_range
from bot.escalation.hours import OfficeHours
from bot.escalation.service_levels import OVERDUE, PENDING, WITHIN, ServiceLevels, office_time_after
from bot.store import CallbackAttempt, Escalation, EscalationNote, unit_of_work

HOURS = OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam")
LEVELS = ServiceLevels(HOURS, callback_hours=8, phone_hours=4, live_minutes=2, acute_minutes=0)
ZONE = ZoneInfo("Europe/Amsterdam")
CANARY = "kanarie-2b7c-niet-in-de-csv"


def utc(text: str) -> datetime:
    """Naive UTC, as the store keeps times; Amsterdam is UTC+1 in November."""
    return datetime.fromisoformat(text)


def test_office_time_runs_only_during_office_hours():
    # Friday 16:00 local + 8 office hours: 1 hour on Friday, 7 on Monday → Monday 16:00 local.
    assert office_time_after(HOURS, utc("2026-11-27 15:00"), timedelta(hours=8)) == utc("2026-11-30 15:00")
    # Saturday night: the clock starts on Monday at 09:00.
    assert office_time_after(HOURS, utc("2026-11-28 22:00"), timedelta(hours=1)) == utc("2026-11-30 09:00")
    # Before opening on a weekday.
    assert office_time_after(HOURS, utc("2026-11-25 06:00"), timedelta(hours=8)) == utc("2026-11-25 16:00")


def test_deadlines_and_states_per_mode():
    created = utc("2026-11-25 10:00")  # Wednesday 11:00 local
    assert LEVELS.deadline("phone", "acute", created) == created
    assert LEVELS.deadline("live", "user_request", created) == created + timedelta(minutes=2)
    assert LEVELS.deadline("callback", "user_request", created) == utc("2026-11-26 10:00")
    assert LEVELS.deadline("phone", "low_confidence", created) == utc("2026-11-25 14:00")
    live = ("live", "user_request", created)
    assert LEVELS.state(*live, created + timedelta(minutes=2), now=created) == WITHIN
    assert LEVELS.state(*live, created + timedelta(minutes=2, seconds=1), now=created) == OVERDUE
    assert LEVELS.state(*live, None, now=created + timedelta(minutes=1)) == PENDING
    assert LEVELS.state(*live, None, now=created + timedelta(minutes=3)) == OVERDUE
    assert LEVELS.describe()["acute"] == "direct"


def add(session, ticket, reason, mode, created, claimed=None, **extra):
    row = Escalation(ticket=ticket, reason=reason, mode=mode, status="claimed" if claimed else "open",
                     conversation_id=f"c-{ticket}", created_at=utc(created),
                     first_claimed_at=utc(claimed) if claimed else None, claimed_at=utc(claimed) if claimed else None,
                     claimed_by="anna" if claimed else None, **extra)  # fmt: skip
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def figures(factory):
    with unit_of_work(factory) as session:
        # Monday 23 November (local).
        # The two live chats were rated afterwards: helped well (3) and a bit (2).
        add(session, "E-1", "user_request", "live", "2026-11-23 10:00", "2026-11-23 10:01", live_rating=3)  # within
        add(session, "E-2", "user_request", "live", "2026-11-23 11:00", "2026-11-23 11:05", live_rating=2)  # overdue
        add(session, "E-3", "acute", "phone", "2026-11-23 12:00", "2026-11-23 12:03")  # 3 min, overdue (at once)
        # Tuesday 24 November: two callbacks, one reached on the second try, one never claimed.
        first = add(session, "E-4", "low_confidence", "callback", "2026-11-24 08:00", "2026-11-24 09:00",
                    callback_phone="0612345678", callback_question=CANARY)  # fmt: skip
        session.add_all([
            CallbackAttempt(escalation_id=first.id, advisor="anna", outcome="no_answer", note=CANARY,
                            attempted_at=utc("2026-11-24 09:00")),
            CallbackAttempt(escalation_id=first.id, advisor="anna", outcome="reached", note="",
                            attempted_at=utc("2026-11-24 13:00")),
            EscalationNote(escalation_id=first.id, advisor="anna", text=CANARY, created_at=utc("2026-11-24 13:05")),
        ])  # fmt: skip
        add(session, "E-5", "user_request", "callback", "2026-11-24 10:00")  # pending: nothing tried yet
        # Sunday 29 November 23:30 local is still that week; Monday 30 November 00:30 local is the next.
        add(session, "E-6", "user_request", "phone", "2026-11-29 22:30", "2026-11-30 08:30")
        add(session, "E-7", "user_request", "phone", "2026-11-29 23:30")
    return Figures(factory, LEVELS, ZONE, clock=lambda: datetime.fromisoformat("2026-11-24T11:00:00+00:00"))


def test_figures_per_day(figures):
    rows = {row["periode"]: row for row in figures.rows(date(2026, 11, 23), date(2026, 11, 30))}
    assert list(rows) == ["2026-11-23", "2026-11-24", "2026-11-29", "2026-11-30"]
    monday = rows["2026-11-23"]
    assert (monday["escalaties"], monday["reden_user_request"], monday["reden_acute"]) == (3, 2, 1)
    assert (monday["wijze_live"], monday["wijze_phone"], monday["wijze_callback"]) == (2, 1, 0)
    assert monday["mediane_wachttijd_minuten"] == 3.0  # of 1, 5 and 3 minutes
    assert (monday["binnen_servicenorm_procent"], monday["beoordeeld_op_servicenorm"]) == (33.3, 3)
    assert (monday["live_beoordelingen"], monday["gemiddelde_live_beoordeling"]) == (2, 2.5)
    tuesday = rows["2026-11-24"]
    assert tuesday["mediane_wachttijd_minuten"] == 60.0  # E-5 was never claimed
    # E-4 was first tried at 09:00 UTC (10:00 local), within 8 office hours; E-5 still runs, so it is not judged.
    assert (tuesday["binnen_servicenorm_procent"], tuesday["beoordeeld_op_servicenorm"]) == (100.0, 1)
    assert (tuesday["terugbelverzoeken"], tuesday["terugbelverzoeken_bereikt"]) == (2, 1)
    assert (tuesday["live_beoordelingen"], tuesday["gemiddelde_live_beoordeling"]) == (0, None)


def test_figures_per_week(figures):
    rows = figures.rows(date(2026, 11, 23), date(2026, 12, 6), per="week")
    assert [(r["periode"], r["escalaties"]) for r in rows] == [("2026-W48", 6), ("2026-W49", 1)]
    assert rows[0]["mediane_wachttijd_minuten"] == 5.0  # 1, 3, 5, 60 and 600 minutes


def test_the_csv_has_no_message_text_and_no_contact_data(figures):
    text = figures.csv(date(2026, 11, 1), date(2026, 11, 30))
    assert text.splitlines()[0].startswith("periode,escalaties,")
    assert len(text.splitlines()) == 5
    assert CANARY not in text and "0612345678" not in text and "anna" not in text


def test_the_period_is_checked():
    today = date(2026, 11, 30)
    assert period_range(None, None, today) == (date(2026, 11, 3), today)
    assert period_range("2026-11-01", "2026-11-02", today) == (date(2026, 11, 1), date(2026, 11, 2))
    for first, last in (("2026-11-31", None), ("2026-11-02", "2026-11-01"), ("2024-01-01", "2026-01-01"),
                        ("'; drop table", None)):  # fmt: skip
        with pytest.raises(FiguresError):
            period_range(first, last, today)
