"""A locked or unreachable database is waited out a bounded number of times, with jitter, then reported."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
import time

import psycopg2
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import QueuePool

from bot.store import Feedback, make_engine, make_sessionmaker, unit_of_work
from bot.store.retry import (
    POLICY,
    RetryPolicy,
    StoreUnavailable,
    is_locked,
    is_transient,
    is_unreachable,
    retrying,
    retrying_async,
)

QUICK = RetryPolicy(attempts=4, first_pause=0.01, longest_pause=0.04)


def locked() -> sqlite3.OperationalError:
    return sqlite3.OperationalError("database is locked")


class Flaky:
    """Finds the database locked `failures` times, then succeeds."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures, self.calls, self.error = failures, 0, error or locked()

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "opgeslagen"


def test_pauses_double_up_to_the_longest_with_jitter_in_the_upper_half():
    policy = RetryPolicy(attempts=6, first_pause=0.1, longest_pause=0.5)
    steps = [0.1, 0.2, 0.4, 0.5, 0.5]
    runs = [list(policy.pauses(random.Random(seed))) for seed in range(200)]
    for pauses in runs:
        assert len(pauses) == policy.attempts - 1
        for pause, step in zip(pauses, steps, strict=True):
            assert step / 2 <= pause <= step
        assert sum(pauses) <= policy.longest_wait == pytest.approx(sum(steps))
    assert len({tuple(pauses) for pauses in runs}) == len(runs)  # jitter: no two clients wait in step


def test_the_default_policy_gives_up_within_a_few_seconds():
    assert POLICY.attempts == 6
    assert POLICY.longest_wait == pytest.approx(3.1)


def test_gives_up_after_the_last_attempt_with_store_unavailable():
    attempt, slept = Flaky(failures=99), []
    with pytest.raises(StoreUnavailable) as raised:
        retrying(attempt, QUICK, sleep=slept.append)
    assert attempt.calls == QUICK.attempts
    assert len(slept) == QUICK.attempts - 1
    assert sum(slept) <= QUICK.longest_wait
    assert is_locked(raised.value.__cause__)


def test_a_lock_that_clears_costs_only_the_pauses_before_it_cleared():
    attempt, slept = Flaky(failures=2), []
    assert retrying(attempt, QUICK, sleep=slept.append) == "opgeslagen"
    assert attempt.calls == 3 and len(slept) == 2


def test_other_errors_are_not_retried():
    attempt, slept = Flaky(failures=1, error=sqlite3.OperationalError("disk I/O error")), []
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        retrying(attempt, QUICK, sleep=slept.append)
    assert attempt.calls == 1 and slept == []


def test_recognises_the_lock_also_when_sqlalchemy_wrapped_it():
    assert is_locked(OperationalError("INSERT ...", {}, locked()))
    assert is_locked(sqlite3.OperationalError("database table is locked"))
    assert not is_locked(OperationalError("INSERT ...", {}, sqlite3.OperationalError("no such table: events")))
    assert not is_locked(ValueError("database is locked"))


def test_the_async_retry_pauses_with_the_loop_free_and_gives_up_alike():
    slept: list[float] = []

    async def sleep(pause: float) -> None:
        slept.append(pause)

    async def attempt_with(flaky: Flaky) -> str:
        return flaky()

    flaky = Flaky(failures=99)
    with pytest.raises(StoreUnavailable):
        asyncio.run(retrying_async(lambda: attempt_with(flaky), QUICK, sleep=sleep))
    assert flaky.calls == QUICK.attempts and len(slept) == QUICK.attempts - 1
    once = Flaky(failures=1)
    assert asyncio.run(retrying_async(lambda: attempt_with(once), QUICK, sleep=sleep)) == "opgeslagen"


def test_a_pool_without_a_free_connection_is_unavailable_at_once():
    def taken() -> Flaky:
        return Flaky(failures=1, error=PoolTimeout("QueuePool limit of size 5 overflow 2 reached"))

    attempt, slept = taken(), []
    with pytest.raises(StoreUnavailable, match="bezet"):
        retrying(attempt, QUICK, sleep=slept.append)
    assert attempt.calls == 1 and slept == []  # its own wait took the time a retry would have had
    attempt = taken()

    async def attempt_async() -> str:
        return attempt()

    with pytest.raises(StoreUnavailable, match="bezet"):
        asyncio.run(retrying_async(attempt_async, QUICK))
    assert attempt.calls == 1


def test_a_unit_of_work_that_finds_the_pool_taken_is_unavailable(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'vol.db'}", future=True, poolclass=QueuePool,
                           pool_size=1, max_overflow=0, pool_timeout=0.05)  # fmt: skip
    factory = make_sessionmaker(engine)
    with engine.connect() as busy:
        busy.exec_driver_sql("SELECT 1")  # holds the one connection
        with pytest.raises(StoreUnavailable, match="bezet"), unit_of_work(factory) as session:
            session.execute(select(1))
    with unit_of_work(factory) as session:  # free again: it works as ever
        assert session.execute(select(1)).scalar() == 1


@pytest.fixture
def jep_db(tmp_path):
    path = tmp_path / "jep.db"
    return path, make_sessionmaker(make_engine(f"sqlite:///{path}", QUICK))


def exclusive_lock(path) -> sqlite3.Connection:
    """Another process's write lock: in WAL mode it blocks writers, not readers."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def add_feedback(factory, query: str) -> None:
    with unit_of_work(factory) as session:
        session.add(Feedback(conversation_id="gesprek", rating="up", query=query, article_ids=[]))


def stored_queries(factory) -> list[str]:
    with unit_of_work(factory) as session:
        return list(session.scalars(select(Feedback.query)))


def test_jep_db_write_during_a_lock_raises_store_unavailable_and_reads_go_on(jep_db):
    path, factory = jep_db
    add_feedback(factory, "voor")
    holder = exclusive_lock(path)
    try:
        with pytest.raises(StoreUnavailable):
            add_feedback(factory, "tijdens")
        assert stored_queries(factory) == ["voor"]
    finally:
        holder.rollback()
    add_feedback(factory, "na")
    assert stored_queries(factory) == ["voor", "na"]


def test_jep_db_write_waits_for_a_lock_that_clears_within_the_retries(jep_db):
    path, factory = jep_db
    holder = exclusive_lock(path)
    threading.Timer(0.05, holder.rollback).start()
    add_feedback(factory, "even gewacht")
    assert stored_queries(factory) == ["even gewacht"]
    assert make_engine(f"sqlite:///{path}").connect().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_recognises_postgresqls_lost_and_refused_connections_raw_or_wrapped():
    refused = psycopg2.OperationalError('connection to server at "127.0.0.1", port 5433 failed: Connection refused')
    assert is_unreachable(refused) and is_transient(refused)
    assert is_unreachable(OperationalError("SELECT 1", {}, refused))
    assert is_unreachable(psycopg2.InterfaceError("connection already closed"))
    lost = DBAPIError("COMMIT", {}, Exception("SSL SYSCALL error: EOF detected"), connection_invalidated=True)
    assert is_unreachable(lost)
    assert not is_unreachable(IntegrityError("INSERT ...", {}, psycopg2.IntegrityError("duplicate key")))
    assert not is_unreachable(OperationalError("INSERT ...", {}, locked())) and is_transient(locked())


def test_no_retry_starts_after_the_budget_so_slow_attempts_do_not_multiply_the_wait():
    policy = RetryPolicy(attempts=10, first_pause=0.01, longest_pause=0.01, budget=0.2)
    calls = []

    def slow_refusal() -> None:
        calls.append(1)
        time.sleep(0.08)  # a connect that takes its time before it fails
        raise psycopg2.OperationalError("timeout expired")

    began = time.monotonic()
    with pytest.raises(StoreUnavailable, match="onbereikbaar"):
        retrying(slow_refusal, policy)
    assert len(calls) == 3 and time.monotonic() - began < 0.2 + 0.08 + 0.05
