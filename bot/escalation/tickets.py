"""What a professional gets back when the assistant hands over to a person: the ticket, and how
the line is reached. One escalation per conversation until an advisor closes it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.escalation.states import OUTRANKS, Reason
from bot.store import Escalation

ADVIESLIJN = "070 333 45 58"
EMERGENCY = "112"
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
        return EMERGENCY if self.reason == Reason.ACUTE else None


def more_urgent(current: str, new: str) -> str:
    """The first reason stays, unless the new one is more pressing for the advisor."""
    return new if current in OUTRANKS.get(new, ()) else current


def update(record: Escalation, mode: str | None, topic: str | None, callback: dict) -> None:
    """A later step's mode, topic and callback details on the conversation's escalation."""
    if mode:
        record.mode = mode
    record.topic = record.topic or topic
    # Details given once stay when a later step leaves them out.
    for key in CALLBACK_FIELDS:
        if callback.get(key) is not None:
            setattr(record, key, callback[key])
