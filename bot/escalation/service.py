"""Escalation to a person, both sides of it: the assistant opens a ticket for a professional
(`escalate`, `switch`), the advisors take it through its life (claim, release, hand over, note,
close; the rules are in lifecycle.py). Each advisor step is in the audit log; closing purges the
callback number, kept only to call back.

One clock for both sides: it gives an aware moment (UTC unless a test says otherwise) for the
office hours and the ticket's year; the database stores it as naive UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.advisors.audit import record as audit
from bot.escalation.hours import OfficeHours
from bot.escalation.lifecycle import (
    HOLDER_STEPS,
    MAX_NOTE_LENGTH,
    REFUSALS,
    TRANSITIONS,
    NotHolder,
    TransitionError,
    UnknownTicket,
    iso_utc,
    may_finish,
    summary,
    urgency,
)
from bot.escalation.notify import Notifier
from bot.escalation.states import MODES, OPEN_STATUSES, REASONS, Mode, Reason
from bot.escalation.tickets import Ticket, more_urgent
from bot.escalation.tickets import update as update_ticket
from bot.escalation.transcript import transcript
from bot.store import Advisor, Escalation, EscalationNote, PendingCallback, unit_of_work
from bot.store.tracker_events import TrackerEvents
from bot.store.words import EscalationStatus


class EscalationService:
    def __init__(self, factory: sessionmaker, hours: OfficeHours, tracker: Engine, clock=None,
                 notifier: Notifier | None = None):  # fmt: skip
        self.factory = factory
        self.hours = hours
        self.events = TrackerEvents(tracker)
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.notifier = notifier

    # --- the professional's side: a ticket ---

    def escalate(self, conversation_id: str, reason: str, mode: str | None = None, topic: str | None = None,
                 **callback: str | None) -> Ticket:  # fmt: skip
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
            announce = record is None or (reason == Reason.ACUTE and record.reason != Reason.ACUTE)
            if record is None:
                record = Escalation(reason=reason, mode=mode or Mode.PHONE.value, conversation_id=conversation_id,
                                    created_at=_stored(now))  # fmt: skip
                session.add(record)
                session.flush()  # the ticket number is the row id
                record.ticket = f"E-{now.year}-{record.id:06d}"
            record.reason = more_urgent(record.reason, reason)
            update_ticket(record, mode, topic, callback)
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
                update_ticket(record, mode, topic, callback)
                return self._ticket(record, now)
        return self.escalate(conversation_id, Reason.USER_REQUEST.value, mode, topic, **callback)

    def callback_phone(self, ticket: str) -> str | None:
        with unit_of_work(self.factory) as session:
            return session.execute(select(Escalation.callback_phone).where(Escalation.ticket == ticket)).scalar()

    def status(self) -> tuple[bool, str, str]:
        """(open now, the hours in words, when it opens next)."""
        now = self.clock()
        return self.hours.is_open(now), self.hours.describe(), self.hours.describe_opening(now)

    # --- the advisors' side: the inbox and the steps ---

    def open_items(self) -> list[dict]:
        """Open and claimed escalations, the most urgent first (see `urgency`), then the newest first."""
        query = (
            select(Escalation)
            .where(Escalation.status.in_(OPEN_STATUSES), Escalation.ticket.isnot(None))
            .order_by(urgency(self._now()), Escalation.created_at.desc(), Escalation.id.desc())
        )
        with unit_of_work(self.factory) as session:
            return [summary(row) for row in session.execute(query).scalars()]

    def get(self, ticket: str) -> dict:
        with unit_of_work(self.factory) as session:
            row = self._row(session, ticket)
            notes = session.execute(
                select(EscalationNote)
                .where(EscalationNote.escalation_id == row.id)
                .order_by(EscalationNote.created_at, EscalationNote.id)
            ).scalars()
            item = summary(row)
            item["conversation_id"] = row.conversation_id
            item["notes"] = [{"advisor": n.advisor, "text": n.text, "created_at": iso_utc(n.created_at)} for n in notes]
            item["callback"] = (
                {"phone": row.callback_phone, "moment": row.callback_moment, "question": row.callback_question}
                if row.callback_phone
                else None
            )
            return item

    def transcript(self, conversation_id: str) -> list[dict]:
        """What the professional, the assistant and an advisor said, oldest first."""
        return transcript(self.events, conversation_id)

    def claim(self, ticket: str, advisor: str) -> None:
        now = self._now()
        self._move(ticket, "claim", advisor, claimed_by=advisor, claimed_at=now,
                   first_claimed_at=func.coalesce(Escalation.first_claimed_at, now))  # fmt: skip

    def release(self, ticket: str, advisor: str, lead: bool = False) -> None:
        """Back to the inbox for anyone to claim; by the holder, or a lead."""
        self._move(ticket, "release", advisor, holder=None if lead else advisor, claimed_by=None, claimed_at=None)

    def hand_over(self, ticket: str, advisor: str, colleague: str, lead: bool = False) -> None:
        """To a named colleague, who holds it from now on; by the holder, or a lead."""
        colleague = (colleague or "").strip().lower()
        with unit_of_work(self.factory) as session:
            known = session.execute(
                select(Advisor.username).where(Advisor.username == colleague, Advisor.disabled_at.is_(None))
            ).scalar()
            holder = self._row(session, ticket).claimed_by
        if known is None:
            raise TransitionError("Kies een collega uit de lijst om de escalatie aan over te dragen.")
        if colleague == holder:
            raise TransitionError(f"Escalatie {ticket} is al in behandeling bij {colleague}.")
        self._move(ticket, "hand_over", advisor, holder=None if lead else advisor, subject=colleague,
                   claimed_by=colleague, claimed_at=self._now())  # fmt: skip

    def close(self, ticket: str, advisor: str, lead: bool = False) -> None:
        """Only by the holder, or by a lead: the one who finishes a case when its holder is away.
        The callback number goes with it, also a number still parked for the conversation."""
        self._move(ticket, "close", advisor, holder=None if lead else advisor, closed_at=self._now(),
                   callback_phone=None, next_attempt_at=None)  # fmt: skip
        with unit_of_work(self.factory) as session:
            conversation = self._row(session, ticket).conversation_id
            session.execute(delete(PendingCallback).where(PendingCallback.conversation_id == conversation))

    def live_conversation(self, ticket: str, advisor: str, lead: bool = False) -> str:
        """The conversation an advisor may answer in: a live chat they hold (or any, for a lead)."""
        item = self.get(ticket)
        if item["mode"] != Mode.LIVE or item["status"] != EscalationStatus.CLAIMED:
            raise TransitionError("Antwoorden kan alleen in een live chat die is opgepakt.")
        if not may_finish(item, advisor, lead):
            raise NotHolder(ticket, item["claimed_by"], "in dit gesprek antwoorden")
        return item["conversation_id"]

    def add_note(self, ticket: str, advisor: str, text: str) -> None:
        """Anyone in the inbox may add one, so a colleague who took a call can write down what was said."""
        text = (text or "").strip()
        if not text:
            raise TransitionError("Een lege notitie is niet opgeslagen. Schrijf eerst iets op.")
        if len(text) > MAX_NOTE_LENGTH:
            raise TransitionError(f"Een notitie mag hoogstens {MAX_NOTE_LENGTH} tekens hebben.")
        with unit_of_work(self.factory) as session:
            row = self._row(session, ticket)
            if row.status == EscalationStatus.CLOSED:
                raise TransitionError(f"Escalatie {ticket} is gesloten; er kunnen geen notities meer bij.")
            session.add(EscalationNote(escalation_id=row.id, advisor=advisor, text=text, created_at=self._now()))

    def _move(self, ticket: str, action: str, actor: str, holder: str | None = None, subject: str | None = None,
              **values) -> None:  # fmt: skip
        """The step, if the state (and the holder, when given) still allows it; audited with it."""
        source, target = TRANSITIONS[action]
        allowed = [Escalation.ticket == ticket, Escalation.status == source.value]
        if holder is not None:
            allowed.append(Escalation.claimed_by == holder)
        with unit_of_work(self.factory) as session:
            # Conditional on the current state, so two advisors claiming at once cannot both win.
            changed = session.execute(
                update(Escalation).where(*allowed).values(status=target.value, **values)
                .execution_options(synchronize_session=False)
            ).rowcount  # fmt: skip
            if changed:
                audit(session, actor, action, self._now(), ticket=ticket, subject=subject)
                return
            row = self._row(session, ticket)
            if row.status == source and holder is not None:
                raise NotHolder(ticket, row.claimed_by, HOLDER_STEPS[action])
            raise TransitionError(REFUSALS[(action, row.status)].format(ticket=ticket, claimed_by=row.claimed_by))

    # --- shared ---

    @staticmethod
    def _open_escalation(session, conversation_id: str) -> Escalation | None:
        """The conversation's escalation that no advisor has closed yet, if any."""
        query = (
            select(Escalation)
            .where(Escalation.conversation_id == conversation_id, Escalation.status.in_(OPEN_STATUSES))
            .order_by(Escalation.id.desc())
        )
        return session.execute(query).scalars().first()

    @staticmethod
    def _row(session, ticket: str) -> Escalation:
        row = session.execute(select(Escalation).where(Escalation.ticket == ticket)).scalar_one_or_none()
        if row is None:
            raise UnknownTicket(ticket)
        return row

    def _ticket(self, record: Escalation, now: datetime) -> Ticket:
        return Ticket(
            ticket=record.ticket,
            reason=record.reason,
            mode=record.mode,
            open_now=self.hours.is_open(now),
            hours=self.hours.describe(),
            opens=self.hours.describe_opening(now),
        )

    def _now(self) -> datetime:
        return _stored(self.clock())


def _stored(moment: datetime) -> datetime:
    """A moment as the database keeps it: naive UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
