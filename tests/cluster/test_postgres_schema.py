"""The migrations on a real PostgreSQL server: empty to head, a database made before Alembic, upgrades at once."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg2
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.store import Escalation, make_engine, make_sessionmaker, unit_of_work
from bot.store.schema import LOCK_KEY, head, metadata, upgrade
from tests.unit.test_migrations import differences, finished, start_upgraders, table_rows

FIXTURE = Path(__file__).parent.parent / "fixtures" / "before_alembic.postgresql.sql"


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_an_empty_database_is_created_at_head_like_the_models(postgres_server):
    url = postgres_server.create_database("jep_schema_leeg")

    first, second = upgrade(url), upgrade(url)

    assert (first.before, first.after, first.adopted) == (None, head(), False)
    assert not second.changed
    assert differences(url) == []


def test_a_database_made_before_alembic_is_taken_over_with_every_row(postgres_server):
    url = postgres_server.create_database("jep_schema_oud")
    with psycopg2.connect(dsn(url)) as connection, connection.cursor() as cursor:
        cursor.execute(FIXTURE.read_text(encoding="utf-8"))  # pg_dump of make_engine's tables before Alembic
    before = table_rows(url)
    assert set(before) == set(metadata().tables) and all(before.values())

    outcome = upgrade(url)

    assert (outcome.before, outcome.adopted) == (None, True)
    assert table_rows(url) == before
    assert differences(url) == []
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as session:  # the sequences came along: ids go on after the rows
        session.add(Escalation(ticket="JEP-0003", reason="callback", mode="callback", conversation_id="conv-4"))
    with unit_of_work(make_sessionmaker(engine)) as session:
        assert session.scalars(select(Escalation.id).order_by(Escalation.id)).all() == [1, 2, 3]
    engine.dispose()


def test_two_upgrades_at_once_both_succeed_and_the_migrations_run_once(postgres_server):
    url = postgres_server.create_database("jep_schema_samen")

    outcomes = [finished(p) for p in start_upgraders(url, 2, start_at=time.time() + 3)]

    assert sorted(outcomes) == [["-", head()], [head(), head()]]
    assert differences(url) == []


def test_an_upgrade_waits_for_the_advisory_lock(postgres_server):
    url = postgres_server.create_database("jep_schema_wacht")
    holder = psycopg2.connect(dsn(url))
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    (waiting,) = start_upgraders(url, 1, start_at=0)
    try:
        time.sleep(3)
        assert waiting.poll() is None  # still waiting, not failed
    finally:
        holder.rollback()
        holder.close()
    assert finished(waiting) == ["-", head()]
