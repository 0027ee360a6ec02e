"""Escalation records: every hand-over to a person gets a ticket in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import sessionmaker

from bot.escalation.hours import OfficeHours
from bot.escalation.notify import Notifier
from bot.store import Escalation, unit_of_work

ADVIESLIJN = "070 333 45 58"
EMERGENCY = "112"
REASONS = ("user_request", "low_confidence", "acute", "complex_case", "negative_feedback")
MODES = ("phone", "callback", "live")


@dataclass(frozen=True)
class Ticket:
    ticket: str
    reason: str
    mode: str
    open_now: bool
    hours: str
    opens: str  # when the line opens next, in words

    @property
    def emergency(self) -> str | None:
        return EMERGENCY if self.reason == "acute" else None


class EscalationService:
    def __init__(
        self,
        factory: sessionmaker,
        hours: OfficeHours,
        clock=lambda: datetime.now(timezone.utc),
        notifier: Notifier | None = None,
    ):
        self.factory = factory
        self.hours = hours
        self.clock = clock
        self.notifier = notifier

    def escalate(self, conversation_id: str, reason: str, mode: str = "phone", topic: str | None = None) -> Ticket:
        if reason not in REASONS:
            raise ValueError(f"unknown escalation reason {reason!r}")
        if mode not in MODES:
            raise ValueError(f"unknown escalation mode {mode!r}")
        now = self.clock()
        with unit_of_work(self.factory) as session:
            record = Escalation(
                reason=reason,
                mode=mode,
                conversation_id=conversation_id,
                topic=topic,
                created_at=now.replace(tzinfo=None),
            )
            session.add(record)
            session.flush()  # the ticket number is the row id
            record.ticket = f"E-{now.year}-{record.id:06d}"
            ticket = record.ticket
        if self.notifier:
            self.notifier.notify(ticket, reason, topic)
        return Ticket(
            ticket=ticket,
            reason=reason,
            mode=mode,
            open_now=self.hours.is_open(now),
            hours=self.hours.describe(),
            opens=self.hours.describe_opening(now),
        )

    def status(self) -> tuple[bool, str, str]:
        """(open now, the hours in words, when it opens next)."""
        now = self.clock()
        return self.hours.is_open(now), self.hours.describe(), self.hours.describe_opening(now)
