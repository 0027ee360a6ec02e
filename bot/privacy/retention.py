"""Retention and erasure: nothing personal is kept longer than it is needed.

Conversations live in Rasa's tracker store (table `events`), the rest in our
own tables. A conversation is purged as a whole once its last event is older
than the retention period, unless an escalation that is still kept refers to
it: the advisor may need the transcript until the escalation itself expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.escalation.callback import PENDING_MINUTES
from bot.insights.rollup import Rollup
from bot.store import (
    Escalation,
    Feedback,
    PendingCallback,
    ReviewItem,
    unit_of_work,
)
from bot.store.tracker_events import TrackerEvents
from bot.store.words import EscalationStatus

PENDING = timedelta(minutes=PENDING_MINUTES)


@dataclass
class PurgeReport:
    conversations: int = 0
    events: int = 0
    escalations: int = 0
    feedback: int = 0
    review_items: int = 0

    def __str__(self) -> str:
        return (
            f"{self.conversations} gesprekken ({self.events} gebeurtenissen), "
            f"{self.escalations} gesloten escalaties, {self.feedback} beoordelingen en "
            f"{self.review_items} te beoordelen berichten verwijderd"
        )


class Retention:
    def __init__(self, factory: sessionmaker, tracker: Engine, days: int, escalation_days: int, clock=None,
                 insights: Rollup | None = None):  # fmt: skip
        self.factory = factory
        self.insights = insights  # caught up before each purge: the daily figures must count what goes
        self.events = TrackerEvents(tracker)
        self.days = days
        self.escalation_days = escalation_days
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def purge(self) -> PurgeReport:
        if self.insights:
            self.insights.update()
        now = self.clock()
        conversation_cutoff = (now - timedelta(days=self.days)).replace(tzinfo=None)
        escalation_cutoff = (now - timedelta(days=self.escalation_days)).replace(tzinfo=None)
        report = PurgeReport()
        with unit_of_work(self.factory) as session:
            expired = and_(Escalation.status == EscalationStatus.CLOSED, Escalation.closed_at < escalation_cutoff)
            report.escalations = session.execute(delete(Escalation).where(expired)).rowcount
            report.feedback = session.execute(
                delete(Feedback).where(Feedback.created_at < conversation_cutoff)
            ).rowcount
            report.review_items = session.execute(
                delete(ReviewItem).where(or_(ReviewItem.seen_at < conversation_cutoff, ReviewItem.seen_at.is_(None)))
            ).rowcount
            # A callback number asked for but never confirmed is not kept beyond its minutes.
            pending_cutoff = now.replace(tzinfo=None) - PENDING
            session.execute(delete(PendingCallback).where(PendingCallback.asked_at < pending_cutoff))
            kept = set(session.execute(select(Escalation.conversation_id)).scalars())
        before = conversation_cutoff.replace(tzinfo=timezone.utc).timestamp()
        report.conversations, report.events = self.events.erase_idle(before, keep=kept)
        if self.insights:
            self.insights.rewind()
        return report

    def erase(self, conversation_id: str) -> PurgeReport:
        """Removes one conversation from every table, on request."""
        report = PurgeReport()
        with unit_of_work(self.factory) as session:
            report.escalations = session.execute(
                delete(Escalation).where(Escalation.conversation_id == conversation_id)
            ).rowcount
            report.feedback = session.execute(
                delete(Feedback).where(Feedback.conversation_id == conversation_id)
            ).rowcount
            session.execute(delete(PendingCallback).where(PendingCallback.conversation_id == conversation_id))
        report.events = self.events.erase(conversation_id)
        report.conversations = 1 if report.events else 0
        if self.insights:
            self.insights.rewind()
            self.insights.forget(conversation_id)
        return report
