"""Whether the professional in a live chat is typing right now, for the advisor's page.

Kept only for seconds, in the Rasa server's memory, or in Redis when replicas share one
(JEP_REDIS_URL: the widget's socket is on one replica, the advisors' `/typing` may land on
the other): it is a courtesy for the advisor, not part of the conversation, so it never
reaches the tracker. The widget repeats "typing" at most every 2 seconds while keys are
pressed; without a repeat the state runs out by itself, so a closed tab or a lost connection
never leaves an advisor waiting on "De professional typt…".
"""

from __future__ import annotations

import threading
import time

import redis

from bot.config import Settings
from bot.shared_redis import KEY_PREFIX, OutageLog, shared_client

LASTS = 6.0  # seconds: three missed repeats of the widget, two polls of the advisor's page
MOST = 10_000  # conversations at once; one socket holds one, so only a flood gets near it
outage = OutageLog("typing state", "each Rasa replica knows only its own sockets' typing until it answers")


class TypingState:
    def __init__(self, clock=time.monotonic, lasts: float = LASTS, most: int = MOST):
        self.clock = clock
        self.lasts = lasts
        self.most = most
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def mark(self, conversation_id: str, typing: bool) -> None:
        now = self.clock()
        with self._lock:
            if not typing:
                self._until.pop(conversation_id, None)
                return
            if conversation_id not in self._until and len(self._until) >= self.most:
                self._forget_expired(now)
                if len(self._until) >= self.most:
                    return  # a courtesy, not worth memory under a flood
            self._until[conversation_id] = now + self.lasts

    def is_typing(self, conversation_id: str) -> bool:
        with self._lock:
            return self._until.get(conversation_id, 0.0) > self.clock()

    def _forget_expired(self, now: float) -> None:
        for conversation_id in [c for c, until in self._until.items() if until <= now]:
            del self._until[conversation_id]


class SharedTypingState(TypingState):
    """One key per typing professional in Redis, expiring by itself; this process's memory while Redis fails.

    Blocking: call it from a worker thread, never on an event loop.
    """

    def __init__(self, client: redis.Redis, lasts: float = LASTS):
        super().__init__(lasts=lasts)
        self.client = client

    def mark(self, conversation_id: str, typing: bool) -> None:
        super().mark(conversation_id, typing)  # so that a Redis outage starts from what this replica saw
        key = f"{KEY_PREFIX}typing:{conversation_id}"
        try:
            if typing:
                self.client.set(key, 1, px=round(self.lasts * 1000))
            else:
                self.client.delete(key)
        except (redis.RedisError, OSError) as error:
            outage.failed(error)
            return
        outage.answered()

    def is_typing(self, conversation_id: str) -> bool:
        try:
            typing = bool(self.client.exists(f"{KEY_PREFIX}typing:{conversation_id}"))
        except (redis.RedisError, OSError) as error:
            outage.failed(error)
            return super().is_typing(conversation_id)
        outage.answered()
        return typing


def typing_state(settings: Settings) -> TypingState:
    """Shared by the Rasa replicas when JEP_REDIS_URL is set, else this process's own."""
    return SharedTypingState(shared_client(settings.redis_url)) if settings.redis_url else TypingState()
