"""Per-client rate limiting: a token bucket per key (a browser session or an IP address).

In memory, per process: enough to stop one client from flooding the assistant
or the advisors' inbox; buckets of clients that went quiet are dropped.
"""

from __future__ import annotations

import threading
import time


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
