"""The rules of an escalation's life with the advisors, and its summary as the pages get it.

An escalation goes open → claimed → closed; a claimed one may go back to the inbox (released)
or to a colleague (handed over), a closed one never moves again. Once claimed, only the
advisor who holds it, or a lead, releases, hands over, closes it or answers in its live chat.
Times come out as ISO 8601 strings in UTC, ready for JSON. The steps themselves are taken by
bot/escalation/service.py.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import and_, case, or_

from bot.escalation.states import Mode, Reason
from bot.store import Escalation
from bot.store.words import EscalationStatus

TRANSITIONS = {
    "claim": (EscalationStatus.OPEN, EscalationStatus.CLAIMED),
    "release": (EscalationStatus.CLAIMED, EscalationStatus.OPEN),
    "hand_over": (EscalationStatus.CLAIMED, EscalationStatus.CLAIMED),
    "close": (EscalationStatus.CLAIMED, EscalationStatus.CLOSED),
}
# What only the holder (or a lead) may do, in the words of the refusal.
HOLDER_STEPS = {"release": "hem teruglegen", "hand_over": "hem overdragen", "close": "hem sluiten"}
MAX_NOTE_LENGTH = 4000
NOT_CLAIMED = "Escalatie {ticket} is nog niet opgepakt. Pak hem eerst op"
ALREADY_CLOSED = "Escalatie {ticket} is al gesloten."
# Keyed by (step, the status found): the plain words, as the row comes from the database.
REFUSALS = {
    ("claim", EscalationStatus.CLAIMED.value): "Escalatie {ticket} is al opgepakt door {claimed_by}.",
    ("claim", EscalationStatus.CLOSED.value): ALREADY_CLOSED,
    ("close", EscalationStatus.OPEN.value): NOT_CLAIMED + " en sluit hem daarna.",
    ("close", EscalationStatus.CLOSED.value): ALREADY_CLOSED,
    ("release", EscalationStatus.OPEN.value): "Escalatie {ticket} staat al open in de inbox.",
    ("release", EscalationStatus.CLOSED.value): ALREADY_CLOSED,
    ("hand_over", EscalationStatus.OPEN.value): NOT_CLAIMED + " en draag hem daarna over.",
    ("hand_over", EscalationStatus.CLOSED.value): ALREADY_CLOSED,
}


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
    return item["status"] == EscalationStatus.CLAIMED and (lead or item["claimed_by"] == advisor)


def iso_utc(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=timezone.utc).isoformat() if moment else None


def summary(row: Escalation) -> dict:
    return {
        "ticket": row.ticket,
        "reason": row.reason,
        "acute": row.reason == Reason.ACUTE,
        "mode": row.mode,
        "status": row.status,
        "topic": row.topic,
        "created_at": iso_utc(row.created_at),
        "claimed_by": row.claimed_by,
        "claimed_at": iso_utc(row.claimed_at),
        "closed_at": iso_utc(row.closed_at),
        "first_claimed_at": iso_utc(row.first_claimed_at),
        "has_callback": bool(row.callback_phone),
        "callback_moment": row.callback_moment,
        "next_attempt_at": iso_utc(row.next_attempt_at),
        "live_rating": row.live_rating,
    }


def urgency(now: datetime):
    """The inbox order's first key: acute, then a live chat nobody answers yet, then callbacks
    that are due (never tried, or their next attempt has come), then the rest."""
    return case(
        (Escalation.reason == Reason.ACUTE, 0),
        (and_(Escalation.mode == Mode.LIVE, Escalation.status == EscalationStatus.OPEN), 1),
        (and_(Escalation.mode == Mode.CALLBACK,
              or_(Escalation.next_attempt_at.is_(None), Escalation.next_attempt_at <= now)), 2),
        else_=3,
    )  # fmt: skip
