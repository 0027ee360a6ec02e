"""Waiting out a locked SQLite database: a few retries with jitter, then a clear failure.

A write that finds the database locked (another process holds the write
lock) is tried again after a short, growing, randomised pause, so that
writers that collided do not collide again in step. After the last attempt
the caller gets `StoreUnavailable` and can tell the professional, instead of
the write vanishing or the wait going on without end.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class StoreUnavailable(Exception):
    """The database stayed locked through every attempt; nothing was written."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    first_pause: float = 0.1  # seconds; doubles after every attempt
    longest_pause: float = 1.6

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


def retrying(attempt: Callable[[], T], policy: RetryPolicy = POLICY, sleep: Callable[[float], None] = time.sleep) -> T:
    """`attempt()`, again after a pause while it finds the database locked. For worker threads only."""
    pauses = policy.pauses()
    while True:
        try:
            return attempt()
        except Exception as error:
            if not is_locked(error):
                raise
            pause = _pause_or_give_up(error, pauses)
        sleep(pause)


async def retrying_async(
    attempt: Callable[[], Awaitable[T]],
    policy: RetryPolicy = POLICY,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """`await attempt()`, again after a pause while it finds the database locked; the loop runs on meanwhile."""
    pauses = policy.pauses()
    while True:
        try:
            return await attempt()
        except Exception as error:
            if not is_locked(error):
                raise
            pause = _pause_or_give_up(error, pauses)
        await sleep(pause)


def _pause_or_give_up(error: Exception, pauses: Iterator[float]) -> float:
    pause = next(pauses, None)
    if pause is None:
        raise StoreUnavailable(f"database bleef bezet: {getattr(error, 'orig', error)}") from error
    return pause
