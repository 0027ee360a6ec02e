"""Engine and session factory. Callers own the session: one per unit of work.

A SQLite file is kept in WAL mode (readers never wait for a writer), and a
statement or commit that finds it locked is tried again a few times with
jitter (bot.store.retry) before `StoreUnavailable` is raised. That wait
happens in the caller's thread: the action server and the web app run their
database work in worker threads, never on their event loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import DDL, create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.store.models import Base
from bot.store.retry import BUSY_TIMEOUT, POLICY, RetryPolicy, retrying


def make_engine(url: str, policy: RetryPolicy = POLICY) -> Engine:
    """An engine for `url`, with the schema created if it is missing."""
    parsed = make_url(url)
    kwargs: dict = {"future": True}
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every session would see its own empty database.
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            waiting = type("WaitingConnection", (WaitingConnection,), {"policy": policy})
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT, "factory": waiting}
    engine = create_engine(url, **kwargs)
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        if parsed.database not in (None, "", ":memory:"):
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # kept in the file
    Base.metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


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


def _add_missing_columns(engine: Engine) -> None:
    """Columns added to a model since the database was made (all nullable), so an
    existing database keeps working after an update without losing its data."""
    existing = inspect(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            present = {column["name"] for column in existing.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    # Names and types come from our own models, never from input; quoted all the same.
                    quote = engine.dialect.identifier_preparer.quote
                    kind = column.type.compile(dialect=engine.dialect)
                    connection.execute(DDL(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
