"""The inbox as advisors read it: one row per escalation with the case at a glance (topic, work
setting, region, first question, waiting time, mode, holder, service level), in five views and
with a search by ticket, and the counts the page title and the banner show.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import sessionmaker

from bot.escalation.conversation_facts import ConversationFacts
from bot.escalation.lifecycle import summary, urgency
from bot.escalation.service_levels import OVERDUE, ServiceLevels
from bot.escalation.states import OPEN_STATUSES, Mode, Reason
from bot.store import Audience, CallbackAttempt, Escalation, Topic, unit_of_work
from bot.store.words import EscalationStatus

VIEWS = {
    "open": "Open",
    "mine": "Van mij",
    "callbacks": "Terugbellen nu",
    "acute": "Acuut",
    "closed_today": "Vandaag gesloten",
}
TICKET_SEARCH = re.compile(r"[A-Za-z0-9-]{1,32}")


class SearchError(ValueError):
    """A search that is no (part of a) ticket number; the message is Dutch."""


class InboxRows:
    def __init__(self, factory: sessionmaker, facts: ConversationFacts, levels: ServiceLevels, zone: ZoneInfo,
                 clock=None):  # fmt: skip
        self.factory = factory
        self.facts = facts
        self.levels = levels
        self.zone = zone
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def rows(self, view: str = "open", advisor: str | None = None, search: str | None = None) -> list[dict]:
        """The escalations of a view (unknown views show "open"), or those whose ticket holds `search`."""
        now = self._now()
        query = select(Escalation).where(Escalation.ticket.isnot(None))
        if search:
            if not TICKET_SEARCH.fullmatch(search.strip()):
                raise SearchError("Zoek op (een deel van) een ticketnummer, zoals E-2026-000123.")
            query = query.where(Escalation.ticket.contains(search.strip().upper(), autoescape=True))
        else:
            query = query.where(self._view(view, advisor, now))
        query = query.order_by(urgency(now), Escalation.created_at.desc(), Escalation.id.desc())
        with unit_of_work(self.factory) as session:
            escalations = list(session.execute(query).scalars())
            tried = self._first_attempts(session, [row.id for row in escalations])
            topics = dict(session.execute(select(Topic.id, Topic.label)).all())
            settings = dict(session.execute(select(Audience.id, Audience.label)).all())
        facts = self.facts.of(sorted({row.conversation_id for row in escalations}))
        items = []
        for row in escalations:
            item, found = summary(row), facts[row.conversation_id]
            answered = tried.get(row.id) if row.mode == Mode.CALLBACK else row.first_claimed_at
            item.update(
                question=found.question,
                topic_label=topics.get(row.topic or found.topic or "", row.topic or found.topic),
                setting_label=settings.get(found.setting or "", found.setting),
                region=found.region,
                waiting_seconds=int(((row.closed_at or now) - row.created_at).total_seconds()),
                service_level=self.levels.state(row.mode, row.reason, row.created_at, answered, now),
                deadline=_iso(self.levels.deadline(row.mode, row.reason, row.created_at)),
            )
            items.append(item)
        return items

    @staticmethod
    def counts(items: list[dict]) -> dict:
        """Of the rows of the "open" view: waiting (nobody claimed it yet), of which live chats, and overdue."""
        waiting = [i for i in items if i["status"] == EscalationStatus.OPEN]
        return {
            "waiting": len(waiting),
            "live_waiting": sum(1 for i in waiting if i["mode"] == Mode.LIVE),
            "overdue": sum(1 for i in items if i["service_level"] == OVERDUE),
        }

    def _view(self, view: str, advisor: str | None, now: datetime):
        still_open = Escalation.status.in_(OPEN_STATUSES)
        if view == "mine":
            return and_(Escalation.status == EscalationStatus.CLAIMED, Escalation.claimed_by == advisor)
        if view == "callbacks":
            due = or_(Escalation.next_attempt_at.is_(None), Escalation.next_attempt_at <= now)
            return and_(still_open, Escalation.mode == Mode.CALLBACK, due)
        if view == "acute":
            return and_(still_open, Escalation.reason == Reason.ACUTE)
        if view == "closed_today":
            midnight = datetime.combine(now.replace(tzinfo=timezone.utc).astimezone(self.zone).date(), time(),
                                        tzinfo=self.zone)  # fmt: skip
            since = midnight.astimezone(timezone.utc).replace(tzinfo=None)
            return and_(Escalation.status == EscalationStatus.CLOSED, Escalation.closed_at >= since)
        return still_open

    @staticmethod
    def _first_attempts(session, ids: list[int]) -> dict[int, datetime]:
        if not ids:
            return {}
        query = (
            select(CallbackAttempt.escalation_id, func.min(CallbackAttempt.attempted_at))
            .where(CallbackAttempt.escalation_id.in_(ids))
            .group_by(CallbackAttempt.escalation_id)
        )
        return dict(session.execute(query).all())

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc).replace(tzinfo=None)


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=timezone.utc).isoformat()
