"""Waiting out a database that is briefly unavailable: a few retries with jitter, then a clear failure.

SQLite: a write that finds the database locked (another process holds the
write lock) is tried again. PostgreSQL: a connection that is refused or lost
(the server restarts, is shutting down or starting up, a deadlock or
serialisation failure rolled the transaction back) is transient too. Each
retry comes after a short, growing, randomised pause, so that clients that
collided do not collide again in step; after the last attempt, or once the
time budget is spent, the caller gets `StoreUnavailable` and can tell the
professional, instead of the write vanishing or the wait going on without end.

Only work whose outcome is known is tried again: a connect (nothing happened
yet), a SQLite statement or COMMIT that found the lock taken (its transaction
is still open), a tracker-store read, or a tracker-store save whose connection
broke. A COMMIT whose connection broke may have landed: the tracker store looks
whether it did before it writes again (bot/rasa_plugins/tracker_store.py); the
project tables' units of work are not repeated at all (bot/store/db.py).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import psycopg2
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

T = TypeVar("T")


class StoreUnavailable(Exception):
    """The database stayed locked or out of reach through every attempt; nothing was written."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    first_pause: float = 0.1  # seconds; doubles after every attempt
    longest_pause: float = 1.6
    # No attempt starts later than this after the first began: a connect that times out
    # (bot/store/db.py CONNECT_TIMEOUT) would otherwise multiply the wait by the attempts.
    budget: float = 6.0

    def pauses(self, rng: random.Random | None = None) -> Iterator[float]:
        """The pause before each retry: between half and all of the doubled step ("equal jitter")."""
        uniform = (rng or random).uniform
        for retry in range(self.attempts - 1):
            step = min(self.longest_pause, self.first_pause * 2**retry)
            yield uniform(step / 2, step)

    @property
    def longest_wait(self) -> float:
        """The most all pauses together can take (SQLite's own busy timeout per attempt comes on top)."""
        return sum(min(self.longest_pause, self.first_pause * 2**retry) for retry in range(self.attempts - 1))


# SQLite's own busy wait per attempt: short, so a worker thread is soon free again.
BUSY_TIMEOUT = 0.1
POLICY = RetryPolicy()


def is_locked(error: BaseException) -> bool:
    """SQLite's "database is locked" (SQLITE_BUSY) or "database table is locked", raw or wrapped by SQLAlchemy."""
    raw = getattr(error, "orig", error)
    return isinstance(raw, sqlite3.OperationalError) and "is locked" in str(raw)


def is_unreachable(error: BaseException) -> bool:
    """PostgreSQL refused or lost the connection, or rolled the transaction back on its own, raw or wrapped.

    psycopg2's OperationalError is what libpq reports for a refused, timed-out or
    broken connection and for "shutting down", "starting up" and "terminating
    connection" (SQLSTATE classes 08 and 57), and also for a deadlock or
    serialisation failure (class 40): each leaves nothing half-done behind.
    """
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    raw = getattr(error, "orig", error)
    return isinstance(raw, psycopg2.OperationalError | psycopg2.InterfaceError)


def is_pool_exhausted(error: BaseException) -> bool:
    """No pooled connection came free within the pool's timeout; no statement ran."""
    return isinstance(error, PoolTimeout)


def no_free_connection(error: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"alle databaseverbindingen bleven bezet: {error}")


def is_transient(error: BaseException) -> bool:
    return is_locked(error) or is_unreachable(error)


def retrying(attempt: Callable[[], T], policy: RetryPolicy = POLICY, sleep: Callable[[float], None] = time.sleep) -> T:
    """`attempt()`, again after a pause while the database is locked or out of reach. For worker threads only."""
    pauses, started = policy.pauses(), time.monotonic()
    while True:
        try:
            return attempt()
        except Exception as error:
            if is_pool_exhausted(error):
                raise no_free_connection(error) from error
            if not is_transient(error):
                raise
            pause = _pause_or_give_up(error, pauses, started, policy)
        sleep(pause)


async def retrying_async(
    attempt: Callable[[], Awaitable[T]],
    policy: RetryPolicy = POLICY,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """`await attempt()`, again after a pause while the database is locked or out of reach; the loop runs on."""
    pauses, started = policy.pauses(), time.monotonic()
    while True:
        try:
            return await attempt()
        except Exception as error:
            if is_pool_exhausted(error):
                raise no_free_connection(error) from error
            if not is_transient(error):
                raise
            pause = _pause_or_give_up(error, pauses, started, policy)
        await sleep(pause)


def _pause_or_give_up(error: Exception, pauses: Iterator[float], started: float, policy: RetryPolicy) -> float:
    pause = next(pauses, None)
    if pause is None or time.monotonic() + pause - started > policy.budget:
        state = "bezet" if is_locked(error) else "onbereikbaar"
        raise StoreUnavailable(f"database bleef {state}: {getattr(error, 'orig', error)}") from error
    return pause
