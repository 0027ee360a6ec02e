"""Engines and session factory. Callers own the session: one per unit of work.

Every engine on a database file or server first brings the project tables to
the newest migration (bot/store/schema.py; at the newest one that is a single
read of alembic_version).

SQLite (`make run`): the file is kept in WAL mode (readers never wait for a
writer), and a statement or commit that finds it locked is tried again a few
times with jitter (bot.store.retry) before `StoreUnavailable` is raised.

PostgreSQL (`make cluster`): a pool of JEP_DB_POOL_SIZE connections per
process, each checked before use so that connections that died with a restart
are replaced; a connect that is refused is tried again within the same policy,
and a connection lost during a unit of work ends it with `StoreUnavailable`
(the web app answers 503, the actions tell the professional). Such a unit is
not repeated: if it was its COMMIT that broke, the write may have landed, and
only the caller can tell whether sending it again is harmless.

The waiting happens in the caller's thread: the action server and the web app
run their database work in worker threads, never on their event loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.store import schema
from bot.store.retry import (
    BUSY_TIMEOUT,
    POLICY,
    RetryPolicy,
    StoreUnavailable,
    is_pool_exhausted,
    is_unreachable,
    no_free_connection,
    retrying,
)

CONNECT_TIMEOUT = 3  # seconds one connection attempt to PostgreSQL may take (libpq connect_timeout)
# Above the pool: a burst may open a few more. With the default executor's 6 worker threads on
# 2 cores, pool (5) + overflow never makes a caller wait for a connection.
MAX_OVERFLOW = 2
POOL_TIMEOUT = 5  # seconds a caller waits for a free connection before it gets an error
POOL_SIZE = 5  # JEP_DB_POOL_SIZE's default; the services pass the setting


def make_engine(url: str, policy: RetryPolicy = POLICY, pool_size: int = POOL_SIZE) -> Engine:
    """An engine for the project tables at `url`, their schema at the newest migration."""
    engine = _engine(url, policy, pool_size)
    if is_in_memory(engine.url):
        # Unit tests: a new empty database each time. create_all makes the same schema as the
        # migrations (tests/unit/test_migrations.py compares them) in under half the time (13 ms, not 29).
        schema.metadata().create_all(engine)
    else:
        schema.upgrade(engine)
    return engine


def make_tracker_reader(url: str, policy: RetryPolicy = POLICY, pool_size: int = POOL_SIZE) -> Engine:
    """An engine on Rasa's tracker store for the services (transcripts, the rollup, erasing); Rasa owns its schema.

    SQLite: a plain engine, as ever. PostgreSQL: pooled and failing clearly like the project's engine."""
    if make_url(url).get_backend_name() == "sqlite":
        return create_engine(url, future=True)  # connects only when first read
    return _engine(url, policy, pool_size)


def server_pool(pool_size: int) -> dict:
    """create_engine's arguments for a PostgreSQL pool: bounded waits, dead connections replaced before use."""
    return {
        "pool_size": pool_size,
        "max_overflow": MAX_OVERFLOW,
        "pool_timeout": POOL_TIMEOUT,
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": CONNECT_TIMEOUT},
    }


def is_in_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _engine(url: str, policy: RetryPolicy, pool_size: int) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, future=True, **server_pool(pool_size))
        _retry_refused_connects(engine, policy)
        event.listen(engine, "handle_error", _lost_connection_is_unavailable)
        return engine
    if is_in_memory(parsed):
        # One shared connection, or every session would see its own empty database.
        engine = create_engine(parsed, future=True, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        waiting = type("WaitingConnection", (WaitingConnection,), {"policy": policy})
        connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT, "factory": waiting}
        engine = create_engine(parsed, future=True, connect_args=connect_args)
    event.listen(engine, "connect", _sqlite_pragmas)
    if not is_in_memory(parsed):
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # kept in the file
    return engine


def _retry_refused_connects(engine: Engine, policy: RetryPolicy) -> None:
    @event.listens_for(engine, "do_connect")
    def connect(dialect, _record, cargs, cparams):
        # Nothing has happened on a connection that was refused: trying again is always safe.
        return retrying(lambda: dialect.connect(*cargs, **cparams), policy)


def _lost_connection_is_unavailable(context) -> None:
    """A connection that broke during a unit of work: the caller hears it as it hears a locked SQLite file."""
    if context.is_disconnect or is_unreachable(context.original_exception):
        raise StoreUnavailable(f"verbinding met de database verbroken: {context.original_exception}")


class WaitingConnection(sqlite3.Connection):
    """A SQLite connection that waits out a locked database, statement by statement.

    Python's sqlite3 begins a transaction only at the first write, so a
    statement that finds the database locked has changed nothing yet, and a
    COMMIT that finds it locked keeps its transaction: both can simply be
    tried again, as SQLite's own busy handler would, but bounded and with jitter.
    """

    policy: RetryPolicy = POLICY

    def cursor(self, factory=None) -> sqlite3.Cursor:
        return super().cursor(factory or WaitingCursor)

    def commit(self) -> None:
        retrying(super().commit, self.policy)


class WaitingCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        return retrying(lambda: sqlite3.Cursor.execute(self, sql, parameters), self.connection.policy)

    def executemany(self, sql, seq_of_parameters):
        rows = list(seq_of_parameters)  # a retry needs them again
        return retrying(lambda: sqlite3.Cursor.executemany(self, sql, rows), self.connection.policy)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    A pool that had no free connection in time is `StoreUnavailable`, like a lost one.
    """
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException as error:
        session.rollback()
        if is_pool_exhausted(error):
            raise no_free_connection(error) from error
        raise
    finally:
        session.close()
