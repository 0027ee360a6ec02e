"""Catching up the daily rollups from the tracker store and our own tables, by row id.

Each source has a cursor (insight_cursors): the rollup reads only the rows after it, in chunks, and
each chunk's counts and the cursor's move are one transaction. The move is conditional on the cursor
being where this run found it, so two runs at once (the daily job and a command) never count a row
twice: the later one stops. Run it before the purge (bot/privacy/retention.py does), or what the
purge deletes is never counted.

What is kept: counts per day, per-conversation state under a salted hash until the conversation has
been idle for `idle_days` (then only its counts remain), and redacted, shortened texts of unanswered
or badly rated questions for `gap_days` (90): long enough to see a quarter's gaps, short enough that
even a redacted question does not stay for good.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.daily import DAY
from bot.insights.conversation_events import EventReader, local_day, mark_uncontained, slot_lexicon
from bot.insights.tables import InsightConversation, InsightCursor, InsightGap, InsightSalt
from bot.insights.tally import Tally
from bot.privacy.redact import redact
from bot.store import Escalation, Feedback, unit_of_work
from bot.store.tracker_events import CHUNK as IN_LIMIT
from bot.store.tracker_events import NumberedEvent, TrackerEvents

EVENT_KINDS = ("user", "bot", "slot")
GAP_DAYS = 90
MAX_GAP_TEXT = 300
Progress = Callable[[int, int], None]


@dataclass
class UpdateReport:
    events: int = 0
    feedback: int = 0
    live_ratings: int = 0

    def __str__(self) -> str:
        return (f"{self.events} gebeurtenissen, {self.feedback} beoordelingen en "
                f"{self.live_ratings} live-beoordelingen verwerkt")  # fmt: skip


def gap_text(raw: str | None) -> str | None:
    """A question as the gaps keep it: redacted, on one line, cut short; None for a button's "/intent"."""
    text = redact(" ".join((raw or "").split())).text[:MAX_GAP_TEXT]
    return text if text and not text.startswith("/") else None


class Rollup:
    def __init__(self, factory: sessionmaker, tracker: Engine, zone: tzinfo, chunk: int = 5000,
                 idle_days: int = 30, gap_days: int = GAP_DAYS, clock=None):  # fmt: skip
        self.factory = factory
        self.events = TrackerEvents(tracker)
        self.zone = zone
        self.chunk = chunk
        self.idle_days = idle_days
        self.gap_days = gap_days
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def pending(self) -> int:
        """Tracker events not yet counted."""
        return self.events.count_after(self._cursor("events").last_id, EVENT_KINDS)

    def update(self, progress: Progress | None = None) -> UpdateReport:
        """Counts every row added since the last run; progress(done, total) after each chunk of events."""
        report = UpdateReport()
        with unit_of_work(self.factory) as session:
            salt, lexicon = self._salt(session), slot_lexicon(session)
        self._cursor("events")
        self.rewind()
        start = self._cursor("events").last_id
        total = self.events.count_after(start, EVENT_KINDS) if progress else 0
        reader = EventReader(self.zone, lexicon)
        for chunk in self.events.after(start, EVENT_KINDS, self.chunk):
            if not self._count_events(chunk, start, salt, reader):
                # Another run moved the cursor: it counts the rest, and the ratings only after the events
                # (a rating marks its conversation, which the events make). Racing it to the ratings
                # could count them against conversations it has not made yet: on PostgreSQL, it did.
                return report
            start, report.events = chunk[-1].id, report.events + len(chunk)
            if progress:
                progress(report.events, max(total, report.events))
        report.feedback = self._count_feedback(salt)
        report.live_ratings = self._count_live_ratings()
        self._expire()
        return report

    def rewind(self) -> None:
        """After a delete: SQLite gives the next event the id after the highest one left, so a cursor
        above it would skip new events. Retention calls this right after deleting conversations."""
        top = self.events.last_id()
        with unit_of_work(self.factory) as session:
            session.execute(update(InsightCursor).where(InsightCursor.source == "events", InsightCursor.last_id > top)
                            .values(last_id=top))  # fmt: skip

    def forget(self, conversation_id: str) -> None:
        """An erased conversation: its state and gap texts go; its share of the counts stays anonymous."""
        with unit_of_work(self.factory) as session:
            key = conversation_key(self._salt(session), conversation_id)
            session.execute(delete(InsightConversation).where(InsightConversation.key == key))
            session.execute(delete(InsightGap).where(InsightGap.conversation == key[:16]))

    def _count_events(self, chunk: list[NumberedEvent], start: int, salt: str, reader: EventReader) -> bool:
        keys = {event.conversation_id: conversation_key(salt, event.conversation_id) for event in chunk}
        tally, reader.missed = Tally(), []
        with unit_of_work(self.factory) as session:
            if not _advance(session, "events", start, chunk[-1].id):
                return False
            states = _states(session, set(keys.values()))
            known = set(states)
            for event in chunk:
                reader.apply(event, keys[event.conversation_id], states, tally)
            session.add_all(state for key, state in states.items() if key not in known)
            in_chunk = {event.id: event.event for event in chunk}
            wanted = {m.event_id for m in reader.missed if m.event_id not in in_chunk}
            texts = {**self.events.by_ids(wanted), **in_chunk}
            for missed in reader.missed:
                text = gap_text((texts.get(missed.event_id) or {}).get("text"))
                if text:
                    tally.gap(missed.day, missed.key, missed.why, text)
            tally.write(session)
        return True

    def _count_feedback(self, salt: str) -> int:
        counted = 0
        while True:
            start = self._cursor("feedback").last_id
            tally = Tally()
            with unit_of_work(self.factory) as session:
                rows = session.execute(
                    select(Feedback).where(Feedback.id > start).order_by(Feedback.id).limit(self.chunk)
                ).scalars().all()  # fmt: skip
                if not rows or not _advance(session, "feedback", start, rows[-1].id):
                    return counted
                for row in rows:
                    self._rating(session, row, conversation_key(salt, row.conversation_id), tally)
                tally.write(session)
            counted += len(rows)

    def _rating(self, session: Session, row: Feedback, key: str, tally: Tally) -> None:
        day = self._day_of(row.created_at)
        state = session.get(InsightConversation, key)
        up = row.rating == "up"
        tally.add(day, "thumbs_up" if up else "thumbs_down")
        if state is None or "rated" not in state.seen:
            tally.add(day, "rated_conversations")
            if state is not None:
                state.seen = [*state.seen, "rated"]
        for article in row.article_ids or []:
            tally.facet(day, "article", str(article), None, column="up" if up else "down")
        if not up:
            if state is not None:
                mark_uncontained(state, tally)
            text = gap_text(row.query)
            if text:
                tally.gap(day, key, "rated_down", text)

    def _count_live_ratings(self) -> int:
        cursor = self._cursor("live_ratings")
        last_at, last_id = cursor.last_at or datetime(1970, 1, 1), cursor.last_id
        later = or_(
            Escalation.live_rated_at > last_at, and_(Escalation.live_rated_at == last_at, Escalation.id > last_id)
        )
        tally = Tally()
        with unit_of_work(self.factory) as session:
            rows = session.execute(
                select(Escalation.id, Escalation.live_rating, Escalation.live_rated_at)
                .where(Escalation.live_rated_at.is_not(None), later)
                .order_by(Escalation.live_rated_at, Escalation.id)
            ).all()  # fmt: skip
            if not rows:
                return 0
            found_at = InsightCursor.last_at.is_(None) if cursor.last_at is None else InsightCursor.last_at == last_at
            moved = session.execute(
                update(InsightCursor).where(InsightCursor.source == "live_ratings", InsightCursor.last_id == last_id,
                                            found_at)
                .values(last_id=rows[-1].id, last_at=rows[-1].live_rated_at)
            ).rowcount  # fmt: skip
            if not moved:
                return 0
            for _id, rating, rated_at in rows:
                day = self._day_of(rated_at)
                tally.add(day, "live_ratings")
                tally.add(day, "live_sum", rating or 0)
                tally.add(day, "live_positive", int(rating == 3))
            tally.write(session)
        return len(rows)

    def _expire(self) -> None:
        now = self.clock()
        idle = now.timestamp() - self.idle_days * DAY
        oldest_gap = now.astimezone(self.zone).date() - timedelta(days=self.gap_days)
        with unit_of_work(self.factory) as session:
            session.execute(delete(InsightConversation).where(InsightConversation.last_seen < idle))
            session.execute(delete(InsightGap).where(InsightGap.day < oldest_gap))

    def _day_of(self, moment: datetime) -> date:
        """Our tables keep naive UTC; the day is the office's."""
        return local_day(moment.replace(tzinfo=timezone.utc).timestamp(), self.zone)

    def _cursor(self, source: str) -> InsightCursor:
        self._ensure(InsightCursor(source=source, last_id=0), source)
        with unit_of_work(self.factory) as session:
            return session.get(InsightCursor, source)

    def _salt(self, session: Session) -> str:
        self._ensure(InsightSalt(id=1, salt=secrets.token_hex(32)), 1)
        return session.get(InsightSalt, 1).salt

    def _ensure(self, row, key) -> None:
        """Creates a singleton row unless it exists; the purge and the daily job may both start first."""
        try:
            with unit_of_work(self.factory) as session:
                if session.get(type(row), key) is None:
                    session.add(row)
        except IntegrityError:
            pass  # the other run created it a moment ago


def conversation_key(salt: str, conversation_id: str) -> str:
    return hmac.new(salt.encode(), conversation_id.encode(), hashlib.sha256).hexdigest()


def _advance(session: Session, source: str, expected: int, to: int) -> bool:
    """Moves a cursor only from where this run found it; False if another run got there first."""
    moved = session.execute(
        update(InsightCursor).where(InsightCursor.source == source, InsightCursor.last_id == expected)
        .values(last_id=to)
    ).rowcount  # fmt: skip
    return bool(moved)


def _states(session: Session, keys: set[str]) -> dict[str, InsightConversation]:
    found: dict[str, InsightConversation] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), IN_LIMIT):
        query = select(InsightConversation).where(InsightConversation.key.in_(ordered[start : start + IN_LIMIT]))
        found.update((state.key, state) for state in session.execute(query).scalars())
    return found
