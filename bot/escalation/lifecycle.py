"""The advisors' side of an escalation: the inbox, claiming, releasing, handing over, notes,
closing, and the conversation that led to it, read from Rasa's tracker store.

An escalation goes open → claimed → closed; a claimed one may go back to the inbox (released)
or to a colleague (handed over), a closed one never moves again. Once claimed, only the
advisor who holds it, or a lead, releases, hands over, closes it or answers in its live chat;
anyone in the inbox may add a note, so a colleague who took a call can write down what was
said. Each step is in the audit log. Closing purges the callback number: it was kept only to
call back. Times come out as ISO 8601 strings in UTC, ready for JSON.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import MetaData, Table, and_, case, delete, func, inspect, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.advisors.audit import record
from bot.store import Advisor, Escalation, EscalationNote, PendingCallback, unit_of_work

OPEN_STATUSES = ("open", "claimed")
TRANSITIONS = {
    "claim": ("open", "claimed"),
    "release": ("claimed", "open"),
    "hand_over": ("claimed", "claimed"),
    "close": ("claimed", "closed"),
}
# What only the holder (or a lead) may do, in the words of the refusal.
HOLDER_STEPS = {"release": "hem teruglegen", "hand_over": "hem overdragen", "close": "hem sluiten"}
MAX_NOTE_LENGTH = 4000
NOT_CLAIMED = "Escalatie {ticket} is nog niet opgepakt. Pak hem eerst op"
REFUSALS = {
    ("claim", "claimed"): "Escalatie {ticket} is al opgepakt door {claimed_by}.",
    ("claim", "closed"): "Escalatie {ticket} is al gesloten.",
    ("close", "open"): NOT_CLAIMED + " en sluit hem daarna.",
    ("close", "closed"): "Escalatie {ticket} is al gesloten.",
    ("release", "open"): "Escalatie {ticket} staat al open in de inbox.",
    ("release", "closed"): "Escalatie {ticket} is al gesloten.",
    ("hand_over", "open"): NOT_CLAIMED + " en draag hem daarna over.",
    ("hand_over", "closed"): "Escalatie {ticket} is al gesloten.",
}
PAYLOAD_LABELS = {"articles": "Artikelen", "providers": "Organisaties"}


class UnknownTicket(LookupError):
    def __init__(self, ticket: str):
        super().__init__(f"Escalatie {ticket} bestaat niet (meer).")


class TransitionError(ValueError):
    """A step the escalation's state does not allow; the message is Dutch, for the advisor."""


class NotHolder(PermissionError):
    """A step only the advisor who holds the escalation, or a lead, may take; the message is Dutch."""

    def __init__(self, ticket: str, holder: str, step: str):
        super().__init__(f"Escalatie {ticket} is in behandeling bij {holder}. Alleen {holder} of een "
                         f"teamleider kan {step}.")  # fmt: skip


def may_finish(item: dict, advisor: str, lead: bool) -> bool:
    """Whether this advisor may close the claimed escalation `item` (a summary) or answer in its chat."""
    return item["status"] == "claimed" and (lead or item["claimed_by"] == advisor)


def _iso(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=timezone.utc).isoformat() if moment else None


def summary(row: Escalation) -> dict:
    return {
        "ticket": row.ticket,
        "reason": row.reason,
        "acute": row.reason == "acute",
        "mode": row.mode,
        "status": row.status,
        "topic": row.topic,
        "created_at": _iso(row.created_at),
        "claimed_by": row.claimed_by,
        "claimed_at": _iso(row.claimed_at),
        "closed_at": _iso(row.closed_at),
        "first_claimed_at": _iso(row.first_claimed_at),
        "has_callback": bool(row.callback_phone),
        "callback_moment": row.callback_moment,
        "next_attempt_at": _iso(row.next_attempt_at),
        "live_rating": row.live_rating,
    }


def urgency(now: datetime):
    """The inbox order's first key: acute, then a live chat nobody answers yet, then callbacks
    that are due (never tried, or their next attempt has come), then the rest."""
    return case(
        (Escalation.reason == "acute", 0),
        (and_(Escalation.mode == "live", Escalation.status == "open"), 1),
        (and_(Escalation.mode == "callback",
              or_(Escalation.next_attempt_at.is_(None), Escalation.next_attempt_at <= now)), 2),
        else_=3,
    )  # fmt: skip


class EscalationInbox:
    def __init__(self, factory: sessionmaker, tracker_engine: Engine, clock=None):
        self.factory = factory
        self.tracker = tracker_engine
        self.clock = clock or (lambda: datetime.now(timezone.utc))

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
            item["notes"] = [{"advisor": n.advisor, "text": n.text, "created_at": _iso(n.created_at)} for n in notes]
            item["callback"] = (
                {"phone": row.callback_phone, "moment": row.callback_moment, "question": row.callback_question}
                if row.callback_phone
                else None
            )
            return item

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
        if item["mode"] != "live" or item["status"] != "claimed":
            raise TransitionError("Antwoorden kan alleen in een live chat die is opgepakt.")
        if not may_finish(item, advisor, lead):
            raise NotHolder(ticket, item["claimed_by"], "in dit gesprek antwoorden")
        return item["conversation_id"]

    def add_note(self, ticket: str, advisor: str, text: str) -> None:
        text = (text or "").strip()
        if not text:
            raise TransitionError("Een lege notitie is niet opgeslagen. Schrijf eerst iets op.")
        if len(text) > MAX_NOTE_LENGTH:
            raise TransitionError(f"Een notitie mag hoogstens {MAX_NOTE_LENGTH} tekens hebben.")
        with unit_of_work(self.factory) as session:
            row = self._row(session, ticket)
            if row.status == "closed":
                raise TransitionError(f"Escalatie {ticket} is gesloten; er kunnen geen notities meer bij.")
            session.add(EscalationNote(escalation_id=row.id, advisor=advisor, text=text, created_at=self._now()))

    def transcript(self, conversation_id: str) -> list[dict]:
        """What the professional and the assistant said, oldest first, from Rasa's `events` table."""
        if not inspect(self.tracker).has_table("events"):
            return []
        events = Table("events", MetaData(), autoload_with=self.tracker)
        query = (
            select(events.c.type_name, events.c.timestamp, events.c.data)
            .where(events.c.sender_id == conversation_id, events.c.type_name.in_(("user", "bot")))
            .order_by(events.c.timestamp, events.c.id)
        )
        with self.tracker.connect() as connection:
            return [_line(*row) for row in connection.execute(query)]

    def _move(self, ticket: str, action: str, actor: str, holder: str | None = None, subject: str | None = None,
              **values) -> None:  # fmt: skip
        """The step, if the state (and the holder, when given) still allows it; audited with it."""
        source, target = TRANSITIONS[action]
        allowed = [Escalation.ticket == ticket, Escalation.status == source]
        if holder is not None:
            allowed.append(Escalation.claimed_by == holder)
        with unit_of_work(self.factory) as session:
            # Conditional on the current state, so two advisors claiming at once cannot both win.
            changed = session.execute(
                update(Escalation).where(*allowed).values(status=target, **values)
                .execution_options(synchronize_session=False)
            ).rowcount  # fmt: skip
            if changed:
                record(session, actor, action, self._now(), ticket=ticket, subject=subject)
                return
            row = self._row(session, ticket)
            if row.status == source and holder is not None:
                raise NotHolder(ticket, row.claimed_by, HOLDER_STEPS[action])
            raise TransitionError(REFUSALS[(action, row.status)].format(ticket=ticket, claimed_by=row.claimed_by))

    @staticmethod
    def _row(session, ticket: str) -> Escalation:
        row = session.execute(select(Escalation).where(Escalation.ticket == ticket)).scalar_one_or_none()
        if row is None:
            raise UnknownTicket(ticket)
        return row

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc).replace(tzinfo=None)


def _line(type_name: str, timestamp: float | None, data: str | None) -> dict:
    event = json.loads(data or "{}")
    payload = (event.get("data") or {}).get("custom") if type_name == "bot" else None
    payload = payload if isinstance(payload, dict) else None
    if type_name == "user":
        who = "professional"
    else:
        # In live mode a message an advisor types into the chat carries the advisor's name in its metadata.
        who = "adviseur" if (event.get("metadata") or {}).get("advisor") else "assistant"
    return {
        "time": _iso(datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None)) if timestamp else None,
        "who": who,
        "text": event.get("text") or (_describe(payload) if payload else ""),
        "payload_type": payload.get("type") if payload else None,
    }


def _describe(payload: dict) -> str:
    """A payload in one line of words, for an advisor reading the transcript."""
    kind = payload.get("type")
    if kind == "escalation":
        return f"Doorverwezen naar een adviseur (ticket {payload.get('ticket')})."
    items = payload.get("items") if isinstance(payload.get("items"), list) else []
    names = [str(i.get("title") or i.get("name")) for i in items if isinstance(i, dict)]
    return f"{PAYLOAD_LABELS.get(kind, 'Bericht')}: {'; '.join(names)}" if names else ""
