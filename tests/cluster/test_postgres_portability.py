"""The project's SQL on PostgreSQL: the unit tests of the stores in tests/unit, unchanged, against a real server.

While one of them runs, every SQLite file it names (make_engine, create_engine, Rasa's own
SQLTrackerStore(db=...)) is a fresh PostgreSQL database, the same one each time it names that
file, and the `factory` fixture's in-memory database is one too. In-memory engines a test makes
itself stay SQLite: they stand for a tracker store the test never reads. Left out are the tests
that are about SQLite itself or start a command-line process of their own.
"""

from __future__ import annotations

import itertools

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.store import make_engine, make_sessionmaker
from tests.unit import (
    test_advisor_accounts,
    test_callback,
    test_escalation,
    test_inbox,
    test_insights_rasa_store,
    test_insights_rollup,
    test_live_rating,
    test_loader,
    test_login_throttle,
    test_retention,
    test_review,
)
from tests.unit.conftest import accounts, clock  # noqa: F401  fixtures of the tests below
from tests.unit.test_inbox import inbox  # noqa: F401
from tests.unit.test_insights_rollup import world  # noqa: F401
from tests.unit.test_live_rating import ratings  # noqa: F401
from tests.unit.test_loader import knowledge_dir  # noqa: F401
from tests.unit.test_retention import databases  # noqa: F401
from tests.unit.test_review import queue  # noqa: F401

SQLITE_ONLY = {
    test_loader: {
        "test_cli_prints_one_line_per_error_and_keeps_the_database",  # a process with its own JEP_DB_URL
        "test_an_older_database_gets_new_columns_without_losing_rows",  # SQLite DDL; tests/unit/test_migrations.py
    },
    test_live_rating: {"test_an_older_database_gets_the_rating_columns"},  # SQLite DDL, as above
}
MODULES = (
    test_escalation,
    test_callback,
    test_inbox,
    test_live_rating,
    test_review,
    test_retention,
    test_insights_rollup,
    test_insights_rasa_store,
    test_loader,
    test_advisor_accounts,
    test_login_throttle,
)

for _module in MODULES:
    _area = _module.__name__.rsplit(".test_", 1)[1]
    for _name, _test in vars(_module).items():
        if _name.startswith("test_") and callable(_test) and _name not in SQLITE_ONLY.get(_module, ()):
            globals()[f"test_{_area}__{_name[5:]}"] = _test


class OnPostgres:
    """A PostgreSQL database for each SQLite file named during one test."""

    def __init__(self, server):
        self.server, self.urls, self.made = server, {}, itertools.count()

    def fresh(self) -> str:
        return self.server.create_database(f"jep_port_{next(self.made)}")  # the last test's of that name goes

    def instead_of(self, url) -> str:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return url
        if parsed.database not in self.urls:
            self.urls[parsed.database] = self.fresh()
        return self.urls[parsed.database]


@pytest.fixture
def on_postgres(postgres_server):
    return OnPostgres(postgres_server)


@pytest.fixture(autouse=True)
def sqlite_files_on_postgres(monkeypatch, on_postgres):
    moved = on_postgres.instead_of
    instead = {
        "make_engine": lambda url, *args, **kwargs: make_engine(moved(url), *args, **kwargs),
        "create_engine": lambda url, **kwargs: create_engine(moved(url), **kwargs),
        "SQLTrackerStore": lambda domain, db: SQLTrackerStore(domain, host=moved(f"sqlite:///{db}")),
    }
    for module in MODULES:
        for name, replacement in instead.items():
            if hasattr(module, name):
                monkeypatch.setattr(module, name, replacement)


@pytest.fixture
def factory(on_postgres):
    """The in-memory database of tests/conftest.py, on PostgreSQL."""
    return make_sessionmaker(make_engine(on_postgres.fresh()))
