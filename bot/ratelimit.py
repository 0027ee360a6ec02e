"""Per-client rate limiting: a token bucket per key (a browser session or an IP address).

`rate_limiter()` is the one way to get one. Without JEP_REDIS_URL (`make run`) the
buckets live in this process's memory: enough to stop one client from flooding the
assistant or the advisors' inbox; buckets of clients that went quiet are dropped.
With it, every replica takes from the same bucket in Redis, so a client gains nothing
by landing on another one; a call that Redis does not answer counts in this process's
own bucket instead, because a limit must never make the chat unusable.
"""

from __future__ import annotations

import logging
import math
import threading
import time

import redis

from bot.config import Settings
from bot.shared_redis import KEY_PREFIX, OutageLog, shared_client

log = logging.getLogger(__name__)
outage = OutageLog("rate limits", "each process counts by itself until it answers")

# One atomic step of a bucket: refill by the time passed (Redis's clock, the same for every replica),
# take a token if there is one. A full bucket is worth as much as none, so the key expires when full.
TAKE_TOKEN = """
local rate, burst, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'seen')
local tokens, seen = tonumber(bucket[1]) or burst, tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - seen) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'seen', tostring(now))
redis.call('PEXPIRE', KEYS[1], ttl)
return allowed
"""


class RateLimiter:
    def __init__(self, per_minute: int, burst: int, clock=time.monotonic, max_clients: int = 50_000):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            tokens, seen = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - seen) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > self.max_clients:
                self._forget_full(now)
            return allowed

    def _forget_full(self, now: float) -> None:
        """Drops clients whose bucket has refilled: they lose nothing by being forgotten."""
        refill = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}


class SharedRateLimiter(RateLimiter):
    """The buckets in Redis, one script call per `allow`; the in-memory ones stand in while Redis fails.

    Blocking: call it from a worker thread, never on an event loop.
    """

    def __init__(self, client: redis.Redis, name: str, per_minute: int, burst: int):
        super().__init__(per_minute, burst)
        self.prefix = f"{KEY_PREFIX}limit:{name}:"
        self.refill_ms = math.ceil(1000 * self.burst / self.rate)
        self._take = client.register_script(TAKE_TOKEN)

    def allow(self, key: str) -> bool:
        try:
            allowed = self._take(keys=[self.prefix + key], args=[self.rate, self.burst, self.refill_ms])
        except (redis.RedisError, OSError) as error:
            outage.failed(error)
            return super().allow(key)
        outage.answered()
        return bool(allowed)


def rate_limiter(settings: Settings, name: str, per_minute: int, burst: int) -> RateLimiter:
    """A limiter that the Rasa replicas share when JEP_REDIS_URL is set, else this process's own.

    `name` keeps the buckets of different limits apart in Redis.
    """
    if not settings.redis_url:
        return RateLimiter(per_minute=per_minute, burst=burst)
    return SharedRateLimiter(shared_client(settings.redis_url), name, per_minute, burst)
