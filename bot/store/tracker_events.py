"""Rasa's tracker store, the `events` table, as the rest of the project reads and erases it.

Rasa creates the table on its first message; until then reads are empty and there is nothing to
erase. Each event's `data` column is Rasa's JSON of the event, given here as a dict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from sqlalchemy import MetaData, Table, delete, func, inspect, select
from sqlalchemy.engine import Engine

CHUNK = 500  # conversation ids per DELETE, well under SQLite's limit on bound parameters


class TrackerEvent(NamedTuple):
    conversation_id: str
    kind: str  # Rasa's type_name: "user", "bot", "slot", ...
    timestamp: float | None
    event: dict


class NumberedEvent(NamedTuple):
    """An event with its row id: the id only grows, so it marks how far a reader has come."""

    id: int
    conversation_id: str
    kind: str
    timestamp: float | None
    event: dict


class TrackerEvents:
    def __init__(self, engine: Engine):
        self.engine = engine

    def read(self, kinds: Iterable[str], conversation_ids: Iterable[str] | None = None,
             by_conversation: bool = False) -> list[TrackerEvent]:  # fmt: skip
        """Events of these kinds, of these conversations (None: all), oldest first; with
        by_conversation, grouped by conversation id first."""
        events = self._table()
        if events is None:
            return []
        query = select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data).where(
            events.c.type_name.in_(tuple(kinds))
        )
        if conversation_ids is not None:
            query = query.where(events.c.sender_id.in_(tuple(conversation_ids)))
        order = (events.c.sender_id,) if by_conversation else ()
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(*order, events.c.timestamp, events.c.id))
            return [TrackerEvent(sender, kind, moment, json.loads(data or "{}")) for sender, kind, moment, data in rows]

    def after(self, last_id: int, kinds: Iterable[str], chunk: int = 5000) -> Iterator[list[NumberedEvent]]:
        """Events of these kinds with an id above last_id, in id order, a list of at most `chunk` at a time.

        Each chunk is its own query, so a reader that stops halfway holds no transaction open."""
        events = self._table()
        if events is None:
            return
        columns = (events.c.id, events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data)
        wanted = events.c.type_name.in_(tuple(kinds))
        while True:
            query = select(*columns).where(events.c.id > last_id, wanted).order_by(events.c.id).limit(chunk)
            with self.engine.connect() as connection:
                rows = connection.execute(query).all()
            if not rows:
                return
            yield [NumberedEvent(i, sender, kind, at, json.loads(data or "{}")) for i, sender, kind, at, data in rows]
            last_id = rows[-1][0]

    def count_after(self, last_id: int, kinds: Iterable[str]) -> int:
        """How many events of these kinds have an id above last_id."""
        events = self._table()
        if events is None:
            return 0
        query = select(func.count()).where(events.c.id > last_id, events.c.type_name.in_(tuple(kinds)))
        with self.engine.connect() as connection:
            return connection.execute(query).scalar_one()

    def last_id(self) -> int:
        """The highest row id (0 when empty). SQLite reuses the ids of deleted rows at the top."""
        events = self._table()
        if events is None:
            return 0
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(events.c.id))).scalar() or 0

    def by_ids(self, ids: Iterable[int]) -> dict[int, dict]:
        """Events by row id (those still there)."""
        events, wanted = self._table(), list(ids)
        if events is None or not wanted:
            return {}
        found: dict[int, dict] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), CHUNK):
                query = select(events.c.id, events.c.data).where(events.c.id.in_(wanted[start : start + CHUNK]))
                found.update((i, json.loads(data or "{}")) for i, data in connection.execute(query))
        return found

    def erase(self, conversation_id: str) -> int:
        """Deletes one conversation's events; how many there were."""
        events = self._table()
        if events is None:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(delete(events).where(events.c.sender_id == conversation_id)).rowcount

    def erase_idle(self, before: float, keep: set[str]) -> tuple[int, int]:
        """Deletes the conversations whose last event is older than `before` (a UNIX time), except
        those in keep, in one transaction; (conversations, events) deleted."""
        events = self._table()
        if events is None:
            return 0, 0
        with self.engine.begin() as connection:
            idle = select(events.c.sender_id).group_by(events.c.sender_id).having(func.max(events.c.timestamp) < before)
            senders = [s for s in connection.execute(idle).scalars() if s not in keep]
            deleted = 0
            for start in range(0, len(senders), CHUNK):
                chunk = senders[start : start + CHUNK]
                deleted += connection.execute(delete(events).where(events.c.sender_id.in_(chunk))).rowcount
            return len(senders), deleted

    def _table(self) -> Table | None:
        if not inspect(self.engine).has_table("events"):
            return None
        return Table("events", MetaData(), autoload_with=self.engine)
