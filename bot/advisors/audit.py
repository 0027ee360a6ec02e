"""The audit log: which advisor opened which escalation and its transcript, and what advisors
changed (claims, releases, hand-overs, callback attempts, closing, accounts), and when.

Changes are written by `record` inside the session that makes them, so a step and its audit
entry are kept or lost together.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.orm import Session, sessionmaker

from bot.store import AdvisorAction, unit_of_work
from bot.store.models import Base

# What an entry's action means, in the words the escalation page shows.
ACTIONS = {
    "claim": "opgepakt",
    "release": "teruggelegd in de inbox",
    "hand_over": "overgedragen aan {subject}",
    "close": "gesloten",
    "callback_attempt": "terugbelpoging vastgelegd",
    "account_disable": "account {subject} uitgeschakeld",
    "account_enable": "account {subject} weer ingeschakeld",
    "password_reset": "wachtwoord van {subject} opnieuw ingesteld",
    "account_remove": "account {subject} verwijderd",
    "canned_replies": "standaardantwoorden bijgewerkt",
}


class AuditEntry(Base):
    __tablename__ = "advisor_audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    advisor = Column(String(80), nullable=False, index=True)
    ticket = Column(String(32), nullable=False, index=True)
    via = Column(String(8), nullable=False)  # "page" or "api"
    opened_at = Column(DateTime, nullable=False)


def record(session: Session, actor: str, action: str, at: datetime, ticket: str | None = None,
           subject: str | None = None) -> None:  # fmt: skip
    """One change, in the caller's session; `at` is naive UTC like every column."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(AdvisorAction(actor=actor, action=action, at=at, ticket=ticket, subject=subject))


def describe(entry: AdvisorAction) -> str:
    return ACTIONS[entry.action].format(subject=entry.subject or "")


class AuditLog:
    def __init__(self, factory: sessionmaker, clock=None):
        self.factory = factory
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def opened(self, advisor: str, ticket: str, via: str) -> None:
        with unit_of_work(self.factory) as session:
            opened_at = self.clock().astimezone(timezone.utc).replace(tzinfo=None)
            session.add(AuditEntry(advisor=advisor, ticket=ticket, via=via, opened_at=opened_at))

    def entries(self, ticket: str) -> list[AuditEntry]:
        """Who opened this escalation, oldest first."""
        with unit_of_work(self.factory) as session:
            query = select(AuditEntry).where(AuditEntry.ticket == ticket).order_by(AuditEntry.opened_at, AuditEntry.id)
            return list(session.execute(query).scalars())

    def actions(self, ticket: str | None = None, subject: str | None = None) -> list[AdvisorAction]:
        """The changes made to one escalation, or to one account, oldest first."""
        query = select(AdvisorAction).order_by(AdvisorAction.at, AdvisorAction.id)
        if ticket is not None:
            query = query.where(AdvisorAction.ticket == ticket)
        if subject is not None:
            query = query.where(AdvisorAction.subject == subject)
        with unit_of_work(self.factory) as session:
            return list(session.execute(query).scalars())
