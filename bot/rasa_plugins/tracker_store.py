"""Rasa's SQL tracker store, configured with one SQLAlchemy URL (JEP_TRACKER_DB_URL).

Rasa's own SQLTrackerStore wants dialect, host, port and db separately; one URL
is what operators have, and it keeps the setting in bot/config.py.

Rasa runs the store's SQL on its event loop: while SQLite waits for a lock,
every conversation waits. Here each read and write runs in a worker thread
with a short busy timeout, and is tried again after an asyncio pause while
the database is locked or, on PostgreSQL, out of reach (bot.store.retry);
after the last attempt it raises `StoreUnavailable` instead of letting Rasa
fall back to memory (durable.py). Each save is one transaction: a turn's
events are stored all or none.

On PostgreSQL (`make cluster`) each Rasa replica keeps a pool of
JEP_DB_POOL_SIZE connections, checked before use so that a restart of the
server costs no failed turn, and two replicas starting at once create Rasa's
`events` table one after the other.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import load_settings
from bot.rasa_plugins import durable
from bot.store.db import server_pool
from bot.store.retry import BUSY_TIMEOUT, POLICY, retrying_async

T = TypeVar("T")
STORED = "jep_stored_events"  # on a tracker: how many of its events are in the database
EVENTS_LOCK = 0x4A45505F45564E  # pg_advisory_xact_lock key while creating Rasa's table ("JEP_EVN")


class UrlSQLTrackerStore(SQLTrackerStore, durable.DurableTrackerStore):
    policy = POLICY

    def __init__(self, domain=None, url: str | None = None, event_broker=None, **kwargs: Any):
        durable.install()  # whoever stores trackers here gets "stored before answered" with it
        kwargs.pop("host", None)  # Rasa passes the endpoint's `url` as host
        settings = load_settings()
        parsed = make_url(url or settings.tracker_db_url)
        if parsed.drivername.startswith("sqlite") and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        pooled = None
        if parsed.get_backend_name() == "postgresql":
            pooled = create_engine(parsed, **server_pool(settings.db_pool_size))
            _create_events_in_turn(pooled)
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
        if pooled is not None:
            self._use(pooled)  # instead of Rasa's pool of 50 (+100) connections, without a check before use
        elif parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
            self._keep_connections_open()
            _write_ahead(self.engine)

    def _use(self, engine: Engine) -> None:
        self.engine.dispose()
        self.engine = engine
        self.sessionmaker = sessionmaker(bind=engine)

    def _keep_connections_open(self) -> None:
        """A pool of SQLite connections instead of SQLAlchemy 1.4's NullPool for files.

        With NullPool every retrieve and save opened and closed the file anew:
        about an eighth of the Rasa server's busy time under load (py-spy).
        """
        # The pool may hand a connection to another thread than the one that opened it, one caller at a time.
        self._use(
            create_engine(
                self.engine.url,
                poolclass=QueuePool,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT},
            )
        )

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        tracker = await self._off_loop(
            lambda: _without_loop(SQLTrackerStore._retrieve(self, sender_id, fetch_events_from_all_sessions))
        )
        if tracker is not None:
            # Every event it was built from is stored: its next save needs no count query.
            setattr(tracker, STORED, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        tries = itertools.count()

        def save_once() -> None:
            # A retry after a broken connection: had it broken during COMMIT, the events may be in already.
            if next(tries) and self._stored(tracker):
                return
            _without_loop(SQLTrackerStore.save(self, tracker))

        await self._off_loop(save_once)
        setattr(tracker, STORED, len(tracker.events))

    def _stored(self, tracker: DialogueStateTracker) -> bool:
        """Whether the tracker's last event is in the database: a save stores all its events or none."""
        if not tracker.events:
            return True
        last = tracker.events[-1]
        events = self.SQLEvent.__table__
        query = select(func.count()).where(
            events.c.sender_id == tracker.sender_id,
            events.c.type_name == last.type_name,
            events.c.timestamp == last.timestamp,
            events.c.data == json.dumps(last.as_dict()),  # as SQLTrackerStore.save writes it
        )
        with self.engine.connect() as connection:
            return connection.execute(query).scalar() > 0

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
        return list(await self._off_loop(lambda: _without_loop(SQLTrackerStore.keys(self))))

    async def _off_loop(self, work: Callable[[], T]) -> T:
        """`work()` in a worker thread, done again while the database is locked or out of reach."""
        return await retrying_async(lambda: asyncio.to_thread(work), self.policy)


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


def _create_events_in_turn(engine: Engine) -> None:
    """Rasa's `events` table, made by one replica while another waits (Rasa's own create_all would race
    and retry after 5 s); Rasa's create_all then finds it there."""
    with engine.connect() as connection, connection.begin():
        connection.execute(select(func.pg_advisory_xact_lock(EVENTS_LOCK)))
        SQLTrackerStore.Base.metadata.create_all(connection)
