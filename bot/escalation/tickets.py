"""Escalation records: every hand-over to a person gets a ticket in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.escalation.hours import OfficeHours
from bot.escalation.notify import Notifier
from bot.store import Escalation, unit_of_work

ADVIESLIJN = "070 333 45 58"
EMERGENCY = "112"
REASONS = ("user_request", "low_confidence", "acute", "complex_case", "negative_feedback")
MODES = ("phone", "callback", "live")
CALLBACK_FIELDS = ("callback_phone", "callback_moment", "callback_question")


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

    def escalate(
        self, conversation_id: str, reason: str, mode: str = "phone", topic: str | None = None, **callback: str
    ) -> Ticket:
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
                **{key: callback[key] for key in CALLBACK_FIELDS if key in callback},
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

    def switch(self, conversation_id: str, mode: str, topic: str | None = None, **callback: str) -> Ticket:
        """The professional chose another way to reach a person: the conversation's open
        escalation changes mode (and takes the callback details); without one, a new one starts."""
        if mode not in MODES:
            raise ValueError(f"unknown escalation mode {mode!r}")
        with unit_of_work(self.factory) as session:
            record = (
                session.execute(
                    select(Escalation)
                    .where(Escalation.conversation_id == conversation_id, Escalation.status == "open")
                    .order_by(Escalation.id.desc())
                )
                .scalars()
                .first()
            )
            if record is not None:
                record.mode = mode
                for key in CALLBACK_FIELDS:
                    if key in callback:
                        setattr(record, key, callback[key])
                ticket, reason = record.ticket, record.reason
        if record is None:
            return self.escalate(conversation_id, "user_request", mode, topic, **callback)
        now = self.clock()
        return Ticket(
            ticket, reason, mode, self.hours.is_open(now), self.hours.describe(), self.hours.describe_opening(now)
        )

    def callback_phone(self, ticket: str) -> str | None:
        with unit_of_work(self.factory) as session:
            return session.execute(select(Escalation.callback_phone).where(Escalation.ticket == ticket)).scalar()

    def status(self) -> tuple[bool, str, str]:
        """(open now, the hours in words, when it opens next)."""
        now = self.clock()
        return self.hours.is_open(now), self.hours.describe(), self.hours.describe_opening(now)
