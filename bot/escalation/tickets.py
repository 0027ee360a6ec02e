"""Escalation records: every hand-over to a person gets a ticket in SQL, one per case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.escalation.hours import OfficeHours
from bot.escalation.lifecycle import OPEN_STATUSES
from bot.escalation.notify import Notifier
from bot.store import Escalation, unit_of_work

ADVIESLIJN = "070 333 45 58"
EMERGENCY = "112"
REASONS = ("user_request", "low_confidence", "acute", "complex_case", "negative_feedback")
MODES = ("phone", "callback", "live")
CALLBACK_FIELDS = ("callback_phone", "callback_moment", "callback_question")
# Which earlier reasons a new one replaces: acute beats everything, and the professional
# asking for a person outweighs the assistant's own doubts or a thumbs-down.
OUTRANKS = {
    "acute": frozenset(REASONS) - {"acute"},
    "user_request": frozenset({"low_confidence", "negative_feedback"}),
}


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
        self,
        conversation_id: str,
        reason: str,
        mode: str | None = None,
        topic: str | None = None,
        **callback: str | None,
    ) -> Ticket:
        """A hand-over to a person. A conversation has one escalation until an advisor closes it:
        asking again updates that ticket, so the advisors see one case, not a pile of duplicates."""
        if reason not in REASONS:
            raise ValueError(f"unknown escalation reason {reason!r}")
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown escalation mode {mode!r}")
        now = self.clock()
        with unit_of_work(self.factory) as session:
            record = self._open_escalation(session, conversation_id)
            # A new case, or one that turned acute, must reach the advisors at once.
            announce = record is None or (reason == "acute" and record.reason != "acute")
            if record is None:
                record = Escalation(reason=reason, mode=mode or "phone", conversation_id=conversation_id,
                                    created_at=now.replace(tzinfo=None))  # fmt: skip
                session.add(record)
                session.flush()  # the ticket number is the row id
                record.ticket = f"E-{now.year}-{record.id:06d}"
            record.reason = _more_urgent(record.reason, reason)
            _update(record, mode, topic, callback)
            ticket, known_topic = self._ticket(record, now), record.topic
        if announce and self.notifier:
            self.notifier.notify(ticket.ticket, ticket.reason, known_topic)
        return ticket

    def switch(self, conversation_id: str, mode: str, topic: str | None = None, **callback: str | None) -> Ticket:
        """The professional chose another way to reach a person: the conversation's open
        escalation changes mode (and takes the callback details); without one, a new one starts."""
        if mode not in MODES:
            raise ValueError(f"unknown escalation mode {mode!r}")
        now = self.clock()
        with unit_of_work(self.factory) as session:
            record = self._open_escalation(session, conversation_id)
            if record is not None:
                _update(record, mode, topic, callback)
                return self._ticket(record, now)
        return self.escalate(conversation_id, "user_request", mode, topic, **callback)

    @staticmethod
    def _open_escalation(session, conversation_id: str) -> Escalation | None:
        """The conversation's escalation that no advisor has closed yet, if any."""
        return (
            session.execute(
                select(Escalation)
                .where(Escalation.conversation_id == conversation_id, Escalation.status.in_(OPEN_STATUSES))
                .order_by(Escalation.id.desc())
            )
            .scalars()
            .first()
        )

    def _ticket(self, record: Escalation, now: datetime) -> Ticket:
        return Ticket(
            ticket=record.ticket,
            reason=record.reason,
            mode=record.mode,
            open_now=self.hours.is_open(now),
            hours=self.hours.describe(),
            opens=self.hours.describe_opening(now),
        )

    def callback_phone(self, ticket: str) -> str | None:
        with unit_of_work(self.factory) as session:
            return session.execute(select(Escalation.callback_phone).where(Escalation.ticket == ticket)).scalar()

    def status(self) -> tuple[bool, str, str]:
        """(open now, the hours in words, when it opens next)."""
        now = self.clock()
        return self.hours.is_open(now), self.hours.describe(), self.hours.describe_opening(now)


def _more_urgent(current: str, new: str) -> str:
    """The first reason stays, unless the new one is more pressing for the advisor."""
    return new if current in OUTRANKS.get(new, ()) else current


def _update(record: Escalation, mode: str | None, topic: str | None, callback: dict) -> None:
    if mode:
        record.mode = mode
    record.topic = record.topic or topic
    # Details given once stay when a later step leaves them out.
    for key in CALLBACK_FIELDS:
        if callback.get(key) is not None:
            setattr(record, key, callback[key])
