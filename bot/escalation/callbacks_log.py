"""Callback attempts: each try to call a professional back, with its outcome, time and a note.

"No answer" puts the callback back in the queue for a next attempt after a configurable delay;
"reached" and "wrong number" end the queueing (an advisor closes the escalation after either).
Anyone in the inbox may record an attempt, like a note: a colleague may have made the call.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.advisors.audit import record
from bot.escalation.lifecycle import TransitionError, UnknownTicket
from bot.escalation.states import Mode
from bot.store import CallbackAttempt, Escalation, unit_of_work
from bot.store.words import EscalationStatus

OUTCOMES = {"reached": "Bereikt", "no_answer": "Niet opgenomen", "wrong_number": "Verkeerd nummer"}
MAX_NOTE = 1000


class CallbackLog:
    def __init__(self, factory: sessionmaker, retry_after: timedelta = timedelta(hours=1), clock=None):
        self.factory = factory
        self.retry_after = retry_after
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def record(self, ticket: str, advisor: str, outcome: str, note: str = "") -> None:
        if outcome not in OUTCOMES:
            raise TransitionError("Kies hoe de terugbelpoging ging: bereikt, niet opgenomen of verkeerd nummer.")
        note = (note or "").strip()
        if len(note) > MAX_NOTE:
            raise TransitionError(f"Een notitie bij een terugbelpoging mag hoogstens {MAX_NOTE} tekens hebben.")
        now = self.clock().astimezone(timezone.utc).replace(tzinfo=None)
        with unit_of_work(self.factory) as session:
            row = session.execute(select(Escalation).where(Escalation.ticket == ticket)).scalar_one_or_none()
            if row is None:
                raise UnknownTicket(ticket)
            if row.mode != Mode.CALLBACK or row.status == EscalationStatus.CLOSED:
                raise TransitionError(f"Bij escalatie {ticket} kan geen terugbelpoging (meer) worden vastgelegd.")
            session.add(CallbackAttempt(escalation_id=row.id, advisor=advisor, outcome=outcome, note=note,
                                        attempted_at=now))  # fmt: skip
            row.next_attempt_at = now + self.retry_after if outcome == "no_answer" else None
            record(session, advisor, "callback_attempt", now, ticket=ticket, subject=outcome)

    def attempts(self, ticket: str) -> list[dict]:
        """The attempts on one escalation, oldest first."""
        query = (
            select(CallbackAttempt)
            .join(Escalation, Escalation.id == CallbackAttempt.escalation_id)
            .where(Escalation.ticket == ticket)
            .order_by(CallbackAttempt.attempted_at, CallbackAttempt.id)
        )
        with unit_of_work(self.factory) as session:
            return [
                {"advisor": a.advisor, "outcome": a.outcome, "outcome_label": OUTCOMES[a.outcome], "note": a.note,
                 "at": a.attempted_at.replace(tzinfo=timezone.utc).isoformat()}
                for a in session.execute(query).scalars()
            ]  # fmt: skip
