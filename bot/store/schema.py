"""The project tables under Alembic: `upgrade` brings a database to the newest revision.

Every process that opens the project database calls it (bot/store/db.py), and
`python -m bot db upgrade` does so before the services start; at the newest
revision it only reads alembic_version. Rasa's own tables (`events`) are not
ours: Rasa creates them, and migrations never touch them.

Two processes upgrading at once take turns: on PostgreSQL under a
transaction-level advisory lock, on SQLite under the file's write lock (BEGIN
IMMEDIATE). The whole upgrade is one transaction on both (their DDL is
transactional), so a migration that fails leaves the previous schema whole.

A database made before Alembic (tables, no alembic_version) is taken over by
the first revision, which creates only what is missing and adds the nullable
columns older code added at start (migrations/versions/0001_baseline.py).

A new revision is a file in migrations/versions/ with `revision`,
`down_revision` and an `upgrade()` written with alembic.op (on SQLite inside
`op.batch_alter_table` for anything beyond adding a column);
tests/unit/test_migrations.py lists what head still lacks against the models.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, event, func, inspect, select
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).with_name("migrations")
LOCK_KEY = 0x4A45505F534348  # pg_advisory_xact_lock key of the upgrade ("JEP_SCH"); no other lock uses it
WAIT = 60  # seconds a second upgrader waits for the first, and a migration for a table lock
CONNECT_TIMEOUT = 5  # seconds to reach PostgreSQL


@dataclass(frozen=True)
class Upgrade:
    before: str | None  # None: no alembic_version yet (an empty database, or one made before Alembic)
    after: str
    adopted: bool  # the tables were there already, made before Alembic

    @property
    def changed(self) -> bool:
        return self.before != self.after


def metadata() -> MetaData:
    """Every project table, also those of modules this process has not imported yet."""
    from bot.advisors import audit, sessions  # noqa: F401
    from bot.insights import tables  # noqa: F401
    from bot.store.models import Base

    return Base.metadata


def head() -> str:
    return _scripts().get_current_head()


def upgrade(target: str | URL | Engine) -> Upgrade:
    """Brings the database at `target` to the newest revision, waiting for another process doing the same."""
    newest = head()
    with _migration_engine(target) as engine:
        with engine.connect() as connection:
            found = _revision(connection)  # the usual case, at head: no lock taken, nobody waited for
        if found == newest:
            return Upgrade(found, newest, adopted=False)
        with engine.connect().execution_options(writes=True) as connection, connection.begin():
            _take_turn(connection)
            before = _revision(connection)  # another process may have upgraded it meanwhile
            if before == newest:
                return Upgrade(before, newest, adopted=False)
            adopted = before is None and bool(set(inspect(connection).get_table_names()) & set(metadata().tables))
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            return Upgrade(before, newest, adopted)


def current(target: str | URL | Engine) -> str | None:
    """The database's revision; None before the first upgrade."""
    with _migration_engine(target) as engine, engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _take_turn(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Also bounds how long a migration waits for a table that a running service holds.
        connection.execute(select(func.set_config("lock_timeout", f"{WAIT}s", True)))
        connection.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
    # SQLite: the write lock was taken at BEGIN (_sqlite_engine).


@contextmanager
def _migration_engine(target: str | URL | Engine) -> Iterator[Engine]:
    """An engine of its own for the upgrade, so that it can lock and wait longer than the services do."""
    if isinstance(target, Engine):
        url = target.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            yield target  # another engine would see another, empty database
            return
    else:
        url = make_url(target)
    if url.get_backend_name() == "sqlite":
        engine = _sqlite_engine(url)
    else:
        engine = create_engine(url, future=True, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    try:
        yield engine
    finally:
        engine.dispose()


def _sqlite_engine(url: URL) -> Engine:
    if url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # Foreign keys stay off (SQLite's default) on this connection: a migration that rebuilds
    # escalations (drop and rename) would otherwise delete their notes and callback attempts.
    engine = create_engine(url, future=True, poolclass=NullPool, connect_args={"timeout": WAIT})

    @event.listens_for(engine, "connect")
    def explicit_transactions(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # Python's sqlite3 would run DDL outside any transaction

    @event.listens_for(engine, "begin")
    def write_lock(connection) -> None:
        # An upgrade takes the write lock at once: a second upgrader waits here, not halfway.
        # A look at the revision only reads: in WAL mode it waits for nobody.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("writes") else "BEGIN")

    return engine


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())
