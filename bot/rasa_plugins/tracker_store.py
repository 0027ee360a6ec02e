"""Rasa's SQL tracker store, configured with one SQLAlchemy URL (JEP_TRACKER_DB_URL).

Rasa's own SQLTrackerStore wants dialect, host, port and db separately; one URL
is what operators have, and it keeps the setting in bot/config.py.

Rasa runs the store's SQL on its event loop: while SQLite waits for a lock,
every conversation waits. Here each read and write runs in a worker thread
with a short busy timeout, and is tried again after an asyncio pause while
the database is locked (bot.store.retry); after the last attempt it raises
`StoreUnavailable` instead of letting Rasa fall back to memory (durable.py).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import load_settings
from bot.rasa_plugins import durable
from bot.store.retry import BUSY_TIMEOUT, POLICY, retrying_async

T = TypeVar("T")
STORED = "jep_stored_events"  # on a tracker: how many of its events are in the database


class UrlSQLTrackerStore(SQLTrackerStore, durable.DurableTrackerStore):
    policy = POLICY

    def __init__(self, domain=None, url: str | None = None, event_broker=None, **kwargs: Any):
        durable.install()  # whoever stores trackers here gets "stored before answered" with it
        kwargs.pop("host", None)  # Rasa passes the endpoint's `url` as host
        parsed = make_url(url or load_settings().tracker_db_url)
        if parsed.drivername.startswith("sqlite") and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain,
            dialect=parsed.drivername,
            host=parsed.host,
            port=parsed.port,
            db=parsed.database,
            username=parsed.username,
            password=parsed.password,
            query=dict(parsed.query) or None,
            event_broker=event_broker,
            **kwargs,
        )
        if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
            self._keep_connections_open()
            _write_ahead(self.engine)

    def _keep_connections_open(self) -> None:
        """A pool of SQLite connections instead of SQLAlchemy 1.4's NullPool for files.

        With NullPool every retrieve and save opened and closed the file anew:
        about an eighth of the Rasa server's busy time under load (py-spy).
        """
        url = self.engine.url
        self.engine.dispose()
        # The pool may hand a connection to another thread than the one that opened it, one caller at a time.
        self.engine = create_engine(
            url, poolclass=QueuePool, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT}
        )
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        tracker = await self._off_loop(
            lambda: SQLTrackerStore._retrieve(self, sender_id, fetch_events_from_all_sessions)
        )
        if tracker is not None:
            # Every event it was built from is stored: its next save needs no count query.
            setattr(tracker, STORED, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._off_loop(lambda: SQLTrackerStore.save(self, tracker))
        setattr(tracker, STORED, len(tracker.events))

    def _additional_events(self, session, tracker: DialogueStateTracker) -> Iterator:
        """The tracker's events that are not in the database yet.

        Rasa counts the stored events of the latest session, which leaves out the
        `action_session_start` just before `session_started`: a new conversation's
        tracker saved twice in one turn (durable.py) would store its last event again.
        """
        stored = getattr(tracker, STORED, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def keys(self) -> list[str]:
        return list(await self._off_loop(lambda: SQLTrackerStore.keys(self)))

    async def _off_loop(self, rasas_own: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Rasa's own method, run to completion in a worker thread, retried while the database is locked."""
        return await retrying_async(lambda: asyncio.to_thread(lambda: _without_loop(rasas_own())), self.policy)


def _without_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never suspends, like SQLTrackerStore's (blocking SQL under `async def`).

    Rasa is pinned; should one of these methods ever await real I/O, this fails loudly instead of hanging.
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError(f"{coroutine.__qualname__} wacht op de event loop en kan niet in een thread draaien")


def _write_ahead(engine) -> None:
    """SQLite in WAL mode: readers never wait for the writer, and a commit costs no fsync.

    Every turn commits its events; in SQLite's default journal mode each commit
    waits for the disk twice. With WAL and synchronous=NORMAL a commit survives a
    crash of any process; only a power cut can take the last commits with it.
    """
    @event.listens_for(engine, "connect")
    def per_connection(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    # After the listener: this first connection stays in the pool and must have it too.
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # kept in the file
