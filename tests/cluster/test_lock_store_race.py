"""The conversation lock with two Rasa replicas on one real Redis (bot/rasa_plugins/lock_store.py).

Each replica is a process of its own with its own store, as in `make cluster`; its messages
for one conversation run as asyncio tasks, each recording when it asked for the lock, when
it got in and when it left. Rasa's stock `RedisLockStore` lets both replicas in at once
(RasaHQ/rasa#9213); ours never does, also not while Redis restarts. A holder that dies frees
the conversation after the lifetime; a holder whose lease ran out cannot free the next one's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import os
import random
import signal
import time
from collections.abc import Callable
from urllib.parse import urlparse

import pytest
import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore

from bot.config import load_settings
from bot.rasa_plugins import lock_store
from bot.rasa_plugins.lock_store import ConversationLockStore
from bot.shared_redis import OutageLog

LIFETIME = 3.0  # JEP_LOCK_LIFETIME of the replicas here: short, so a dead holder costs the test little
INSIDE = 0.005  # seconds a message holds its conversation
SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter per replica, nothing shared with pytest
Turn = tuple[float, float, float]  # asked, got in, left (time.monotonic, the same clock for every process)


class SlowTicketsRedisLockStore(RedisLockStore):
    """Rasa's store with a pause between reading a conversation's ticket queue and writing it back.

    The window is the one in production, only wider: the race shows in seconds, not in weeks.
    """

    def save_lock(self, lock: TicketLock) -> None:
        time.sleep(0.02)
        super().save_lock(lock)


def our_store(url: str, lifetime: float = LIFETIME) -> ConversationLockStore:
    return ConversationLockStore(settings=dataclasses.replace(load_settings(), redis_url=url, lock_lifetime=lifetime))


def replica(kind: str, url: str, conversation: str, tasks: int, seconds: float, start, results) -> None:
    """One Rasa replica: `tasks` messages at a time for `conversation`, for `seconds`; puts its turns and
    how many messages got a LockError."""
    if kind == "stock":
        where = urlparse(url)
        store = SlowTicketsRedisLockStore(host=where.hostname, port=where.port, db=int(where.path.strip("/") or 0))
        options = {"lock_lifetime": LIFETIME, "wait_time_in_seconds": 0.01}  # Rasa's poll is 1 s
    else:
        store, options = our_store(url), {}
    turns: list[Turn] = []
    refused = 0

    async def messages(deadline: float) -> None:
        nonlocal refused
        while time.monotonic() < deadline:
            asked = time.monotonic()
            try:
                async with store.lock(conversation, **options):
                    got_in = time.monotonic()
                    await asyncio.sleep(INSIDE)
                    turns.append((asked, got_in, time.monotonic()))
            except LockError:
                refused += 1
            await asyncio.sleep(random.uniform(0, 2 * INSIDE))  # the next message is not there at once

    async def run() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(messages(deadline) for _ in range(tasks)))

    start.wait()
    asyncio.run(run())
    results.put((turns, refused))


def two_replicas(kind: str, url: str, conversation: str, seconds: float,
                 meanwhile: Callable[[], None] = lambda: None) -> tuple[list[list[Turn]], int]:  # fmt: skip
    start, results = SPAWN.Barrier(3), SPAWN.Queue()
    processes = [
        SPAWN.Process(target=replica, args=(kind, url, conversation, 4, seconds, start, results)) for _ in range(2)
    ]
    for process in processes:
        process.start()
    try:
        start.wait(timeout=120)  # both replicas are up: they begin together
        meanwhile()
        outcomes = [results.get(timeout=seconds + 120) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return [turns for turns, _ in outcomes], sum(refused for _, refused in outcomes)


def overlapping(turns: list[Turn]) -> int:
    """How many turns got in while an earlier one was still inside."""
    count, inside_until = 0, float("-inf")
    for _asked, got_in, left in sorted(turns, key=lambda turn: turn[1]):
        count += got_in < inside_until
        inside_until = max(inside_until, left)
    return count


def holder(url: str, conversation: str, seconds: float, events) -> None:
    """A replica that takes the conversation's lock and keeps it for `seconds`, unless it is frozen or killed."""

    async def hold() -> None:
        async with our_store(url).lock(conversation):
            events.put("held")
            await asyncio.sleep(seconds)
        events.put("released")

    asyncio.run(hold())


def start_holder(url: str, conversation: str, seconds: float):
    events = SPAWN.Queue()
    process = SPAWN.Process(target=holder, args=(url, conversation, seconds, events))
    process.start()
    assert events.get(timeout=120) == "held"
    return process, events


def taken_elsewhere(url: str, conversation: str) -> bool:
    """Whether a third replica, waiting a moment only, finds the conversation locked."""

    async def try_it() -> None:
        async with our_store(url, lifetime=0.3).lock(conversation):
            pass

    try:
        asyncio.run(try_it())
    except LockError:
        return True
    return False


async def lock_once(store: ConversationLockStore, conversation: str) -> None:
    async with store.lock(conversation):
        pass


@pytest.fixture(autouse=True)
def no_leftover_locks(redis_server):
    """Every test starts without the locks of an earlier run (a failed one may leave one for its lifetime)."""
    client = redis.Redis.from_url(redis_server.url)
    client.delete(*client.keys("*lock:web-*"), "jep:lock:")  # DEL wants one key at least
    client.close()


def test_rasas_stock_store_lets_two_replicas_into_one_conversation_at_once(redis_server):
    turns, _ = two_replicas("stock", redis_server.url, "web-stock", seconds=3)
    assert overlapping(turns[0] + turns[1]) > 0


def test_ours_lets_one_message_of_a_conversation_in_at_a_time(redis_server):
    turns, refused = two_replicas("ours", redis_server.url, "web-ours", seconds=3)
    assert all(turns) and refused == 0  # both replicas took turns, nobody gave up waiting
    assert overlapping(turns[0] + turns[1]) == 0


def test_a_redis_restart_in_the_middle_lets_nobody_in_twice_and_nobody_wait_a_lifetime(redis_server):
    restarted = []

    def restart() -> None:
        time.sleep(1.5)
        redis_server.restart()
        restarted.append(time.monotonic())

    turns, refused = two_replicas("ours", redis_server.url, "web-restart", seconds=6, meanwhile=restart)
    every = turns[0] + turns[1]
    assert overlapping(every) == 0 and refused == 0
    assert max(got_in - asked for asked, got_in, _ in every) < LIFETIME
    assert any(got_in > restarted[0] for _, got_in, _ in every)  # and after it, messages go on


def test_after_a_redis_restart_the_next_lock_is_taken_at_the_first_try(redis_server, monkeypatch, caplog):
    monkeypatch.setattr(lock_store, "outage", OutageLog("conversation locks", "messages wait"))
    store = our_store(redis_server.url)

    async def two_messages() -> None:
        await lock_once(store, "web-after-restart")
        await asyncio.to_thread(redis_server.restart)  # closes the connection the store's client keeps
        with caplog.at_level(logging.WARNING, logger="bot.shared_redis"):
            await lock_once(store, "web-after-restart")

    asyncio.run(two_messages())
    assert "unreachable" not in caplog.text


def test_a_holder_that_dies_frees_the_conversation_after_the_lifetime(redis_server):
    process, _ = start_holder(redis_server.url, "web-dies", seconds=600)
    try:
        assert taken_elsewhere(redis_server.url, "web-dies")
        process.kill()  # SIGKILL: no give-back, no renewal any more
        started = time.monotonic()
        asyncio.run(lock_once(our_store(redis_server.url), "web-dies"))
        waited = time.monotonic() - started
    finally:
        process.join(timeout=30)
    assert LIFETIME - 1.0 <= waited <= LIFETIME + 1.0


def test_a_holder_whose_lease_ran_out_cannot_free_the_next_holders(redis_server):
    url = redis_server.url
    process, events = start_holder(url, "web-frozen", seconds=1)
    os.kill(process.pid, signal.SIGSTOP)  # frozen: it renews nothing, and its lease runs out

    async def take_over() -> tuple[float, bool]:
        started = time.monotonic()
        async with our_store(url).lock("web-frozen"):
            waited = time.monotonic() - started
            os.kill(process.pid, signal.SIGCONT)  # it wakes up inside, long past its lease, and gives back
            assert await asyncio.to_thread(events.get, True, 60) == "released"
            still_ours = await asyncio.to_thread(taken_elsewhere, url, "web-frozen")
        return waited, still_ours

    try:
        waited, still_ours = asyncio.run(take_over())
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.join(timeout=30)
    assert waited <= LIFETIME + 1.0
    assert still_ours  # its give-back deleted nothing of ours
    assert not taken_elsewhere(url, "web-frozen")  # and ours did, when we left
