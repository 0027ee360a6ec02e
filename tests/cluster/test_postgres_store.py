"""The stores on a real PostgreSQL server: a turn stored whole and once, a stopped server reported within a
bounded time as StoreUnavailable (never a hang or a silent loss), and the pools working again once it is back."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.config import load_settings
from bot.rasa_plugins.tracker_store import UrlSQLTrackerStore
from bot.store import Feedback, make_engine, make_sessionmaker, make_tracker_reader, unit_of_work
from bot.store.db import CONNECT_TIMEOUT
from bot.store.retry import POLICY, StoreUnavailable
from bot.store.tracker_events import TrackerEvents

# The longest a caller may wait for StoreUnavailable: no retry starts after the budget, and the last
# attempt takes at most one connect timeout.
BOUND = POLICY.budget + CONNECT_TIMEOUT


def said(text_: str) -> UserUttered:
    return UserUttered(text_, {"name": "ask_knowledge", "confidence": 0.9})


def user_texts(url: str, sender: str) -> list[str]:
    """What the database holds of the professional's messages, in order: each message exactly once."""
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' ORDER BY id"),
            {"sender": sender},
        )
        texts = [json.loads(data)["text"] for (data,) in rows]
    engine.dispose()
    return texts


def timed(work) -> float:
    began = time.monotonic()
    with pytest.raises(StoreUnavailable):
        work()
    return time.monotonic() - began


@pytest.fixture
def tracker_url(postgres_server):
    return postgres_server.create_database("jep_test_tracker")


def test_the_tracker_store_saves_and_another_replica_reads_back(tracker_url):
    store = UrlSQLTrackerStore(url=tracker_url)
    assert store.engine.pool.size() == load_settings().db_pool_size
    tracker = DialogueStateTracker.from_events("gesprek-pg", [ActionExecuted("action_listen"), said("hallo")])
    asyncio.run(store.save(tracker))
    tracker.update(said("en verder"))
    asyncio.run(store.save(tracker))

    again = asyncio.run(UrlSQLTrackerStore(url=tracker_url).retrieve("gesprek-pg"))

    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hallo", "en verder"]
    assert user_texts(tracker_url, "gesprek-pg") == ["hallo", "en verder"]


def test_a_stopped_server_gives_store_unavailable_in_bounded_time_and_the_next_save_stores_once(
    postgres_server, tracker_url
):
    store = UrlSQLTrackerStore(url=tracker_url)
    tracker = DialogueStateTracker.from_events("gesprek-stop", [ActionExecuted("action_listen"), said("voor")])
    asyncio.run(store.save(tracker))
    tracker.update(said("tijdens"))

    postgres_server.stop()
    try:
        waited = timed(lambda: asyncio.run(store.save(tracker)))
        with pytest.raises(StoreUnavailable):
            asyncio.run(store.retrieve("gesprek-stop"))
    finally:
        postgres_server.start()

    print(f"tracker store: StoreUnavailable na {waited:.1f} s (grens {BOUND:.0f} s)")
    assert waited < BOUND
    asyncio.run(store.save(tracker))  # the professional sends it again: the same turn, now stored
    tracker.update(said("na"))
    asyncio.run(store.save(tracker))
    assert user_texts(tracker_url, "gesprek-stop") == ["voor", "tijdens", "na"]


def test_a_commit_that_landed_before_its_connection_broke_is_not_stored_again(tracker_url):
    store = UrlSQLTrackerStore(url=tracker_url)
    tracker = asyncio.run(store.get_or_create_tracker("gesprek-commit"))
    tracker.update(said("ervoor"))
    asyncio.run(store.save(tracker))
    commits = []

    @event.listens_for(store.sessionmaker, "after_commit")
    def connection_lost_after_the_first_commit(_session):
        # The server has the COMMIT; the client hears only that the connection went: the outcome is unknown.
        commits.append(1)
        if len(commits) == 1:
            lost = psycopg2.OperationalError("server closed the connection unexpectedly")
            raise OperationalError("COMMIT", {}, lost, connection_invalidated=True)

    tracker.update(said("één keer"))
    asyncio.run(store.save(tracker))
    tracker.update(said("daarna"))
    asyncio.run(store.save(tracker))

    assert len(commits) == 2  # the retry wrote nothing: it found the turn stored
    assert user_texts(tracker_url, "gesprek-commit") == ["ervoor", "één keer", "daarna"]


def test_the_project_store_reports_a_stopped_server_in_bounded_time_and_recovers(postgres_server):
    url = postgres_server.create_database("jep_test_project")
    factory = make_sessionmaker(make_engine(url))
    reader = TrackerEvents(make_tracker_reader(url))
    add_feedback(factory, "voor")

    postgres_server.stop()
    try:
        waited = timed(lambda: add_feedback(factory, "tijdens"))
        read_waited = timed(lambda: reader.read(["user"]))
    finally:
        postgres_server.start()

    print(f"eigen tabellen: StoreUnavailable na {waited:.1f} s, tracker lezen na {read_waited:.1f} s")
    assert waited < BOUND and read_waited < BOUND
    add_feedback(factory, "na")
    assert stored_queries(factory) == ["voor", "na"]
    assert reader.read(["user"]) == []


def test_a_connection_lost_during_a_unit_of_work_ends_it_with_store_unavailable(postgres_server):
    url = postgres_server.create_database("jep_test_verbroken")
    factory = make_sessionmaker(make_engine(url))

    with pytest.raises(StoreUnavailable), unit_of_work(factory) as session:
        session.add(Feedback(conversation_id="gesprek", rating="up", query="half", article_ids=[]))
        session.flush()
        terminate(url, session.execute(select(func.pg_backend_pid())).scalar_one())
        session.execute(select(Feedback.id)).all()

    assert stored_queries(factory) == []  # the flushed row went with its transaction
    add_feedback(factory, "daarna")
    assert stored_queries(factory) == ["daarna"]


def terminate(url: str, pid: int) -> None:
    """What a server restart or a failover does to one connection."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg2.connect(dsn) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))


def add_feedback(factory, query: str) -> None:
    with unit_of_work(factory) as session:
        session.add(Feedback(conversation_id="gesprek", rating="up", query=query, article_ids=[]))


def stored_queries(factory) -> list[str]:
    with unit_of_work(factory) as session:
        return list(session.scalars(select(Feedback.query).order_by(Feedback.id)))


def test_two_replicas_starting_at_once_on_an_empty_database_both_start_at_once(postgres_server):
    url = postgres_server.create_database("jep_test_tweeling")
    ready = threading.Barrier(2)

    def replica() -> float:
        ready.wait()
        began = time.monotonic()
        UrlSQLTrackerStore(url=url)
        return time.monotonic() - began

    with ThreadPoolExecutor(2) as pool:
        took = list(pool.map(lambda _: replica(), range(2)))

    assert max(took) < 4  # Rasa's own create_all would collide, log an error and try again after 5 s
    assert user_texts(url, "niemand") == []  # the events table is there


def test_the_services_engines_have_the_pool_size_they_are_given(postgres_server, tracker_url):
    project = make_engine(postgres_server.create_database("jep_test_pool"), pool_size=3)
    reader = make_tracker_reader(tracker_url, pool_size=4)
    try:
        assert (project.pool.size(), reader.pool.size()) == (3, 4)
    finally:
        project.dispose()
        reader.dispose()
