"""The audit log: which advisor opened which escalation and its transcript, and when."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.orm import sessionmaker

from bot.store import unit_of_work
from bot.store.models import Base


class AuditEntry(Base):
    __tablename__ = "advisor_audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    advisor = Column(String(80), nullable=False, index=True)
    ticket = Column(String(32), nullable=False, index=True)
    via = Column(String(8), nullable=False)  # "page" or "api"
    opened_at = Column(DateTime, nullable=False)


class AuditLog:
    def __init__(self, factory: sessionmaker, clock=None):
        self.factory = factory
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def opened(self, advisor: str, ticket: str, via: str) -> None:
        with unit_of_work(self.factory) as session:
            opened_at = self.clock().astimezone(timezone.utc).replace(tzinfo=None)
            session.add(AuditEntry(advisor=advisor, ticket=ticket, via=via, opened_at=opened_at))

    def entries(self, ticket: str) -> list[AuditEntry]:
        """For later maintainer pages and for checks: who opened this escalation, oldest first."""
        with unit_of_work(self.factory) as session:
            query = select(AuditEntry).where(AuditEntry.ticket == ticket).order_by(AuditEntry.opened_at, AuditEntry.id)
            return list(session.execute(query).scalars())
