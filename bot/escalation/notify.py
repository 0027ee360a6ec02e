"""Notify the advisors' tooling of a new escalation through a configurable webhook.

The body carries the ticket, the reason, the topic and a link to the inbox:
no message text and no personal data. Sending happens in a background thread
with a timeout and retries with backoff; a failure is logged and never reaches
the conversation.
"""

from __future__ import annotations

import logging
import threading
import time

import requests

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, url: str | None, inbox_url: str, attempts: int = 3, timeout: float = 5.0, backoff: float = 1.0):
        self.url = url
        self.inbox_url = inbox_url
        self.attempts = attempts
        self.timeout = timeout
        self.backoff = backoff

    def body(self, ticket: str, reason: str, topic: str | None) -> dict:
        return {
            "event": "escalation.created",
            "ticket": ticket,
            "reason": reason,
            "topic": topic,
            "inbox": f"{self.inbox_url}/adviseurs/escalaties/{ticket}",
        }

    def notify(self, ticket: str, reason: str, topic: str | None) -> threading.Thread | None:
        """Starts sending and returns at once; the thread is returned for tests to join."""
        if not self.url:
            return None
        thread = threading.Thread(target=self.send, args=(self.body(ticket, reason, topic),), daemon=True)
        thread.start()
        return thread

    def send(self, body: dict) -> bool:
        for attempt in range(1, self.attempts + 1):
            try:
                reply = requests.post(self.url, json=body, timeout=self.timeout)
                if reply.status_code < 500:
                    if reply.ok:
                        return True
                    break  # a 4xx will not get better by trying again
            except requests.RequestException as error:
                log.warning("escalation webhook attempt %d failed: %s", attempt, type(error).__name__)
            if attempt < self.attempts:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        log.error("escalation webhook gave up for ticket %s", body["ticket"])
        return False
