"""Callback requests: a valid Dutch phone number, kept only on its escalation record."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from bot.store import PendingCallback, unit_of_work

PENDING_MINUTES = 15
_SEPARATORS = re.compile(r"[\s().-]")


def normalise_phone(text: str) -> str | None:
    """'06-12345678', '020 123 4567', '+31 6 1234 5678', '0031...' → '0612345678'; None if not Dutch and valid."""
    digits = _SEPARATORS.sub("", text or "")
    if digits.startswith("+31"):
        digits = "0" + digits[3:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        return None
    if digits.startswith(("0800", "0900", "0906", "0909")):
        return None  # service numbers cannot be called back
    return digits


def masked(phone: str) -> str:
    """What the professional sees back: only the last two digits."""
    return f"het nummer dat eindigt op {phone[-2:]}"


class PendingCallbacks:
    def __init__(self, factory: sessionmaker, clock=lambda: datetime.now(timezone.utc)):
        self.factory = factory
        self.clock = clock

    def _now(self) -> datetime:
        return self.clock().replace(tzinfo=None)

    def ask(self, conversation_id: str) -> None:
        """The assistant asks for a number now: the next one typed may be parked."""
        with unit_of_work(self.factory) as session:
            self._drop_stale(session)
            row = session.get(PendingCallback, conversation_id) or PendingCallback(conversation_id=conversation_id)
            row.phone, row.asked_at = None, self._now()
            session.add(row)

    def park(self, conversation_id: str, phone: str) -> bool:
        """Keeps the raw number only if this conversation was just asked for one."""
        with unit_of_work(self.factory) as session:
            self._drop_stale(session)
            row = session.get(PendingCallback, conversation_id)
            if row is None:
                return False
            row.phone = phone
            return True

    def take(self, conversation_id: str) -> str | None:
        """The parked number, removed from the table as it is handed over."""
        with unit_of_work(self.factory) as session:
            row = session.get(PendingCallback, conversation_id)
            if row is None:
                return None
            phone = row.phone
            session.delete(row)
            return phone

    def _drop_stale(self, session) -> None:
        cutoff = self._now() - timedelta(minutes=PENDING_MINUTES)
        session.execute(delete(PendingCallback).where(PendingCallback.asked_at < cutoff))
