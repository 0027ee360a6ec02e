"""The Redis the Rasa replicas share (JEP_REDIS_URL): their clients, and one log line per outage.

Whatever goes through these clients either retries by itself (the conversation locks) or
has a stand-in in this process's memory (the limits, the typing state), so a Redis that
restarts costs a moment, never a hanging request: short timeouts, and one quiet retry on
a connection the restart closed.
"""

from __future__ import annotations

import logging
import threading
from functools import cache

import redis
import redis.asyncio
import redis.asyncio.retry
import redis.retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

log = logging.getLogger(__name__)
TIMEOUT = 0.5  # seconds; a Redis on the same network answers in well under a millisecond
KEY_PREFIX = "jep:"


def _options(retry: redis.retry.Retry | redis.asyncio.retry.Retry) -> dict:
    return {
        "socket_connect_timeout": TIMEOUT,
        "socket_timeout": TIMEOUT,
        "retry": retry,
        "retry_on_error": [RedisConnectionError],
    }


def blocking_client(url: str) -> redis.Redis:
    """A blocking client, for calls made in worker threads; thread-safe."""
    return redis.Redis.from_url(url, **_options(redis.retry.Retry(NoBackoff(), 1)))


# One per process: its pool serves every limiter and the typing state.
shared_client = cache(blocking_client)


def async_client(url: str) -> redis.asyncio.Redis:
    """A new asyncio client; its connections belong to the event loop that first uses them."""
    return redis.asyncio.Redis.from_url(url, **_options(redis.asyncio.retry.Retry(NoBackoff(), 1)))


class OutageLog:
    """Says once that Redis fails one use of it (and what that means), and once that it answers again,
    however many calls notice in between."""

    def __init__(self, use: str, consequence: str) -> None:
        self.use, self.consequence = use, consequence
        self._down = False
        self._lock = threading.Lock()

    def failed(self, error: Exception) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
        log.warning("Redis unreachable for the %s (%s): %s", self.use, error, self.consequence)

    def answered(self) -> None:
        if not self._down:
            return
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            log.warning("Redis answers the %s again", self.use)
