import dataclasses
import logging

from bot import ratelimit
from bot.ratelimit import RateLimiter, SharedRateLimiter, rate_limiter
from bot.shared_redis import OutageLog
from tests.conftest import free_port


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_burst_is_allowed_then_the_client_waits():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # other clients are not affected
    clock.now += 10  # one message per ten seconds comes back
    assert limiter.allow("a") and not limiter.allow("a")


def test_quiet_clients_are_forgotten_without_losing_anything():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock, max_clients=2)
    for key in "abc":
        limiter.allow(key)
    clock.now += 5
    limiter.allow("d")
    assert len(limiter._buckets) <= 2
    assert limiter.allow("a") and limiter.allow("a")


def test_without_redis_a_limiter_is_this_process_own(settings):
    limiter = rate_limiter(settings, "proef", per_minute=6, burst=3)
    assert type(limiter) is RateLimiter
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]


def test_while_redis_does_not_answer_the_limit_holds_in_this_process(settings, monkeypatch, caplog):
    """And the outage is logged once, not once per message."""
    monkeypatch.setattr(ratelimit, "outage", OutageLog("rate limits", "each process counts by itself"))
    unreachable = dataclasses.replace(settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    limiter = rate_limiter(unreachable, "proef", per_minute=6, burst=3)
    assert isinstance(limiter, SharedRateLimiter)
    with caplog.at_level(logging.WARNING, logger="bot.shared_redis"):
        assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert len([r for r in caplog.records if "Redis unreachable for the rate limits" in r.getMessage()]) == 1
