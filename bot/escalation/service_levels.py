"""Service levels: how soon each kind of escalation should be answered, and whether it was.

Acute cases and live chats count in plain minutes (a live chat only starts while the line is
open); callbacks and phone cases count in office hours, so "within 8 hours" means within one
working day of 09:00–17:00 and a request on Friday evening is due on Monday at 17:00.
An escalation is answered when an advisor first claims it; a callback when it is first tried.
Times are naive UTC, as the store keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.escalation.hours import HoursError, OfficeHours
from bot.escalation.states import Mode, Reason

WITHIN, OVERDUE, PENDING = "within", "overdue", "pending"


@dataclass(frozen=True)
class ServiceLevels:
    hours: OfficeHours
    callback_hours: float = 8.0  # office hours
    phone_hours: float = 8.0  # office hours
    live_minutes: float = 2.0
    acute_minutes: float = 0.0  # at once

    def deadline(self, mode: str, reason: str, created: datetime) -> datetime:
        if reason == Reason.ACUTE:
            return created + timedelta(minutes=self.acute_minutes)
        if mode == Mode.LIVE:
            return created + timedelta(minutes=self.live_minutes)
        office = timedelta(hours=self.callback_hours if mode == Mode.CALLBACK else self.phone_hours)
        return office_time_after(self.hours, created, office)

    def state(self, mode: str, reason: str, created: datetime, answered: datetime | None, now: datetime) -> str:
        """WITHIN (answered in time), OVERDUE (answered late, or still waiting past the deadline) or PENDING."""
        deadline = self.deadline(mode, reason, created)
        if answered is not None:
            return WITHIN if answered <= deadline else OVERDUE
        return OVERDUE if now > deadline else PENDING

    def describe(self) -> dict[str, str]:
        """The targets in words, for the inbox and the figures page."""
        acute = "direct" if not self.acute_minutes else f"binnen {self.acute_minutes:g} minuten"
        return {
            Reason.ACUTE.value: acute,
            Mode.LIVE.value: f"binnen {self.live_minutes:g} minuten",
            Mode.CALLBACK.value: f"binnen {self.callback_hours:g} kantooruren",
            Mode.PHONE.value: f"binnen {self.phone_hours:g} kantooruren",
        }


def office_time_after(hours: OfficeHours, start: datetime, amount: timedelta) -> datetime:
    """The moment `amount` of office time after `start` (both naive UTC)."""
    local = start.replace(tzinfo=timezone.utc).astimezone(hours.zone)
    remaining = amount
    day = local.date()
    for _ in range(7 * 60):  # a bounded search: at least one office day a week
        if day.isoweekday() in hours.days:
            opens = datetime.combine(day, hours.opens, tzinfo=hours.zone)
            closes = datetime.combine(day, hours.closes, tzinfo=hours.zone)
            begin = max(opens, local)
            if begin < closes:
                if remaining <= closes - begin:
                    return (begin + remaining).astimezone(timezone.utc).replace(tzinfo=None)
                remaining -= closes - begin
        day += timedelta(days=1)
    raise HoursError("geen openingsdag ingesteld")
