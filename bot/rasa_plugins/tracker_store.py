"""Rasa's SQL tracker store, configured with one SQLAlchemy URL (JEP_TRACKER_DB_URL).

Rasa's own SQLTrackerStore wants dialect, host, port and db separately; one URL
is what operators have, and it keeps the setting in bot/config.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot.config import load_settings


class UrlSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain=None, url: str | None = None, event_broker=None, **kwargs: Any):
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
        self.engine = create_engine(url, poolclass=QueuePool, connect_args={"check_same_thread": False})
        self.sessionmaker = sessionmaker(bind=self.engine)


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
