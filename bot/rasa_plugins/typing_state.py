"""Whether the professional in a live chat is typing right now, for the advisor's page.

Kept only in the Rasa server's memory, for seconds: it is a courtesy for the advisor, not part
of the conversation, so it never reaches the tracker. The widget repeats "typing" at most every
2 seconds while keys are pressed; without a repeat the state runs out by itself, so a closed
tab or a lost connection never leaves an advisor waiting on "De professional typt…".
"""

from __future__ import annotations

import threading
import time

LASTS = 6.0  # seconds: three missed repeats of the widget, two polls of the advisor's page
MOST = 10_000  # conversations at once; one socket holds one, so only a flood gets near it


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
