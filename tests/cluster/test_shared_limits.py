"""Limits and typing state that the Rasa replicas share through one real Redis (bot/ratelimit.py,
bot/rasa_plugins/typing_state.py). Two limiters, each with its own client as two replicas have, give
one allowance between them, also when they are called at the same moment; while Redis is down each
counts by itself, so the chat stays usable, and afterwards they share again."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from bot.rasa_plugins.typing_state import SharedTypingState
from bot.ratelimit import SharedRateLimiter
from bot.shared_redis import blocking_client


def replica_limiter(url: str, per_minute: int, burst: int, name: str) -> SharedRateLimiter:
    """The limiter as one more Rasa process builds it: a client of its own."""
    return SharedRateLimiter(blocking_client(url), name, per_minute, burst)


@pytest.fixture
def name() -> str:
    """A limit of this test alone: the session's Redis keeps the buckets of the others."""
    return f"proef-{uuid.uuid4().hex[:8]}"


def test_messages_alternating_between_two_replicas_share_one_allowance(redis_server, name):
    a, b = (replica_limiter(redis_server.url, per_minute=6, burst=5, name=name) for _ in range(2))
    answers = [(a if n % 2 else b).allow("web-1") for n in range(10)]
    assert answers == [True] * 5 + [False] * 5
    assert a.allow("web-2") and b.allow("web-2")  # another conversation has an allowance of its own


def test_a_burst_at_the_same_moment_on_both_replicas_gets_exactly_the_allowance(redis_server, name):
    replicas = [replica_limiter(redis_server.url, per_minute=1, burst=50, name=name) for _ in range(2)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda n: replicas[n % 2].allow("203.0.113.9"), range(200)))
    assert answers.count(True) == 50


def test_the_bucket_refills_and_its_key_expires_once_full(redis_server, name):
    a, b = (replica_limiter(redis_server.url, per_minute=600, burst=2, name=name) for _ in range(2))
    assert [a.allow("web-1"), b.allow("web-1"), a.allow("web-1")] == [True, True, False]
    key = f"jep:limit:{name}:web-1"
    assert 0 < redis.Redis.from_url(redis_server.url).pttl(key) <= 200  # two tokens at ten a second
    time.sleep(0.15)  # one and a half tokens back
    assert b.allow("web-1") and not a.allow("web-1")
    time.sleep(0.25)
    assert not redis.Redis.from_url(redis_server.url).exists(key)


def test_while_redis_is_down_each_replica_counts_by_itself_then_they_share_again(redis_server, name):
    a, b = (replica_limiter(redis_server.url, per_minute=6, burst=3, name=name) for _ in range(2))
    assert a.allow("web-1")  # one of three taken, in Redis
    redis_server.stop()
    try:
        # The chat stays usable, and one replica alone still stops a flood.
        assert [a.allow("web-1") for _ in range(4)] == [True, True, True, False]
        assert b.allow("web-1")
    finally:
        redis_server.start()
    assert [b.allow("web-1"), a.allow("web-1"), b.allow("web-1")] == [True, True, False]  # Redis kept its count


def test_a_redis_restart_costs_the_next_call_nothing(redis_server, name):
    a = replica_limiter(redis_server.url, per_minute=1, burst=2, name=name)
    assert a.allow("web-1")
    redis_server.restart()  # the client's connection is closed; it connects again at once, to the same count
    assert [a.allow("web-1"), a.allow("web-1")] == [True, False]


def test_typing_marked_on_one_replica_is_seen_on_the_other_and_runs_out(redis_server, name):
    a, b = (SharedTypingState(blocking_client(redis_server.url), lasts=0.3) for _ in range(2))
    conversation = f"web-{name}"
    a.mark(conversation, True)
    assert b.is_typing(conversation)
    time.sleep(0.4)
    assert not b.is_typing(conversation)
    a.mark(conversation, True)
    b.mark(conversation, False)  # the message was sent through the other replica
    assert not a.is_typing(conversation)
