"""The project tables under Alembic on SQLite: an old database keeps every row, head is the models, upgrades take turns.

tests/cluster/test_postgres_schema.py does the same on a real PostgreSQL server.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, create_engine, inspect, select

from bot.cli import main
from bot.config import ROOT
from bot.store import Escalation, make_engine, make_sessionmaker, unit_of_work
from bot.store.schema import head, metadata, upgrade

FIXTURES = Path(__file__).parent.parent / "fixtures"
# One `python -c` per process: wait for the moment given, upgrade, say what it found and left.
UPGRADER = """
import sys, time
from bot.store.schema import upgrade
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
outcome = upgrade(sys.argv[1])
print(outcome.before or "-", outcome.after)
"""


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every project table there, in primary-key order."""
    engine = create_engine(url, future=True)
    found = {}
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        for name in sorted(set(metadata().tables) & present):
            table = Table(name, MetaData(), autoload_with=connection)
            found[name] = [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))]
    engine.dispose()
    return found


def differences(url: str) -> list:
    """What Alembic finds between the database and the models (tables, columns, types, indexes, keys)."""
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": lambda name, kind, _: kind != "table" or name != "events"},
        )
        found = compare_metadata(context, metadata())
    engine.dispose()
    return found


def start_upgraders(url: str, count: int, start_at: float) -> list[subprocess.Popen]:
    return [
        subprocess.Popen([sys.executable, "-c", UPGRADER, url, str(start_at)], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        for _ in range(count)
    ]  # fmt: skip


def finished(process: subprocess.Popen) -> list[str]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out.split()


def old_database(folder: Path) -> str:
    """A SQLite file as make_engine made it before Alembic, with rows in every table."""
    path = folder / "jep.db"
    with sqlite3.connect(path) as connection:
        connection.executescript((FIXTURES / "before_alembic.sqlite.sql").read_text(encoding="utf-8"))
    return f"sqlite:///{path}"


def test_a_database_made_before_alembic_is_taken_over_with_every_row(tmp_path):
    url = old_database(tmp_path)
    before = table_rows(url)
    assert set(before) == set(metadata().tables) and all(before.values())  # the fixture covers every table

    outcome = upgrade(url)

    assert (outcome.before, outcome.after, outcome.adopted) == (None, head(), True)
    assert table_rows(url) == before
    assert differences(url) == []
    factory = make_sessionmaker(make_engine(url))
    with unit_of_work(factory) as session:
        session.add(Escalation(ticket="JEP-0003", reason="callback", mode="callback", conversation_id="conv-4"))
    with unit_of_work(factory) as session:
        assert session.scalars(select(Escalation.id).order_by(Escalation.id)).all() == [1, 2, 3]


def test_an_older_database_gains_the_nullable_columns_added_since(tmp_path):
    url = old_database(tmp_path)
    with sqlite3.connect(tmp_path / "jep.db") as connection:
        connection.execute("ALTER TABLE escalations DROP COLUMN live_rated_at")
        connection.execute("DROP TABLE insight_gaps")
    before = table_rows(url)

    upgrade(url)

    after = table_rows(url)
    assert after.pop("escalations") == [(*row, None) for row in before.pop("escalations")]
    assert after.pop("insight_gaps") == []
    assert after == before
    assert differences(url) == []


def test_a_table_without_a_required_column_is_refused_not_patched(tmp_path):
    url = old_database(tmp_path)
    with sqlite3.connect(tmp_path / "jep.db") as connection:
        connection.execute("ALTER TABLE feedback DROP COLUMN rating")

    with pytest.raises(RuntimeError, match="feedback mist de verplichte kolom rating"):
        upgrade(url)
    with sqlite3.connect(tmp_path / "jep.db") as connection:  # one transaction: nothing of it stayed
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "alembic_version" not in tables


def test_an_empty_database_is_created_at_head_and_a_second_upgrade_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'nieuw' / 'jep.db'}"

    first, second = upgrade(url), upgrade(url)

    assert (first.before, first.after, first.adopted) == (None, head(), False)
    assert (second.before, second.changed) == (head(), False)
    assert differences(url) == []


def test_head_makes_exactly_the_schema_create_all_makes_for_in_memory_databases(tmp_path):
    url = f"sqlite:///{tmp_path / 'jep.db'}"
    upgrade(url)
    in_memory = make_engine("sqlite://")  # create_all, for speed

    def ddl(connection) -> list[tuple]:
        query = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '%alembic%' ORDER BY name"
        return list(connection.exec_driver_sql(query))

    with create_engine(url, future=True).connect() as migrated, in_memory.connect() as created:
        assert ddl(migrated) == ddl(created)
        assert len(ddl(created)) > len(metadata().tables)  # the tables, and their indexes


def test_make_engine_brings_a_file_to_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'jep.db'}"
    make_engine(url)
    assert upgrade(url).before == head()


def test_two_upgrades_at_once_both_succeed_and_the_migrations_run_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'jep.db'}"

    outcomes = [finished(p) for p in start_upgraders(url, 2, start_at=time.time() + 3)]

    assert sorted(outcomes) == [["-", head()], [head(), head()]]  # one migrated, the other found it done
    assert differences(url) == []


def test_an_upgrade_waits_while_another_process_holds_the_write_lock(tmp_path):
    path = tmp_path / "jep.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    (waiting,) = start_upgraders(f"sqlite:///{path}", 1, start_at=0)
    try:
        time.sleep(3)
        assert waiting.poll() is None  # still waiting, not failed
    finally:
        holder.execute("COMMIT")
    assert finished(waiting) == ["-", head()]


def test_at_head_an_upgrade_waits_for_no_writer(tmp_path):
    path = tmp_path / "jep.db"
    make_engine(f"sqlite:///{path}")  # at head, in WAL mode
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        began = time.monotonic()
        assert not upgrade(f"sqlite:///{path}").changed
        assert time.monotonic() - began < 1
    finally:
        holder.execute("ROLLBACK")


def test_the_db_commands_say_in_dutch_what_they_did(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JEP_DB_URL", old_database(tmp_path))
    assert main(["db", "current"]) == 0
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0
    monkeypatch.setenv("JEP_DB_URL", "postgresql+psycopg2://jep:geheim@127.0.0.1:1/jep")
    assert main(["db", "upgrade"]) == 1

    said = capsys.readouterr()
    first, second, third = said.out.splitlines()
    assert first.endswith(f"revisie geen (nog nooit bijgewerkt); nieuwste revisie {head()}.")
    assert second.endswith(f"bijgewerkt naar revisie {head()} (was: tabellen van vóór de migraties).")
    assert third.endswith(f"is al actueel (revisie {head()}).")
    assert said.err.startswith("fout: database postgresql+psycopg2://jep:***@127.0.0.1:1/jep niet bereikbaar")
