"""Server-side login sessions of the advisors' web app.

The cookie holds a random id; the table keeps only its SHA-256, so a copy of the
database cannot be used to log in. A session ends 8 hours after login, or after
30 minutes without a request, whichever comes first, and at once when the account is
disabled (bot/advisors/accounts.py deletes its sessions; a lookup also checks the account).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, DateTime, ForeignKey, String, delete, or_, select
from sqlalchemy.orm import sessionmaker

from bot.store import Advisor, unit_of_work
from bot.store.models import Base

ABSOLUTE = timedelta(hours=8)
IDLE = timedelta(minutes=30)


class AdvisorSession(Base):
    __tablename__ = "advisor_sessions"

    id = Column(String(64), primary_key=True)  # sha256 of the cookie value, never the value itself
    username = Column(String(80), ForeignKey("advisors.username", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    last_active_at = Column(DateTime, nullable=False)


@dataclass(frozen=True)
class ActiveSession:
    username: str
    role: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, factory: sessionmaker, clock=None):
        self.factory = factory
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc).replace(tzinfo=None)

    def create(self, username: str) -> tuple[str, ActiveSession]:
        """A new session (always a new id, so a planted cookie is never promoted) and its cookie value."""
        token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), self._now()
        with unit_of_work(self.factory) as session:
            session.execute(delete(AdvisorSession).where(self._expired(now)))
            session.add(AdvisorSession(id=_digest(token), username=username, csrf_token=csrf,
                                       created_at=now, last_active_at=now))  # fmt: skip
            role = session.execute(select(Advisor.role).where(Advisor.username == username)).scalar_one()
        return token, ActiveSession(username, role, csrf)

    def lookup(self, token: str | None) -> ActiveSession | None:
        """The live session for a cookie value, its idle clock restarted; None if unknown or expired."""
        if not token:
            return None
        now = self._now()
        with unit_of_work(self.factory) as session:
            found = session.execute(
                select(AdvisorSession, Advisor.role)
                .join(Advisor, Advisor.username == AdvisorSession.username)
                .where(AdvisorSession.id == _digest(token), Advisor.disabled_at.is_(None))
            ).first()
            if found is None:
                return None
            row, role = found
            if now - row.created_at > ABSOLUTE or now - row.last_active_at > IDLE:
                session.delete(row)
                return None
            row.last_active_at = now
            return ActiveSession(row.username, role, row.csrf_token)

    def end(self, token: str | None) -> None:
        if token:
            with unit_of_work(self.factory) as session:
                session.execute(delete(AdvisorSession).where(AdvisorSession.id == _digest(token)))

    @staticmethod
    def _expired(now: datetime):
        return or_(AdvisorSession.created_at < now - ABSOLUTE, AdvisorSession.last_active_at < now - IDLE)
