"""The per-conversation limit holds when a conversation's messages alternate between the two replicas.

The gate allows a burst of max(5, JEP_MESSAGES_PER_MINUTE / 2) messages per conversation, then one per
60 / JEP_MESSAGES_PER_MINUTE seconds. Sent straight to replica 1, 2, 1, 2, ... a limit kept per process
would let twice the burst through; the limit kept in Redis lets the burst through once.
"""

from __future__ import annotations

import math
import time
import uuid

import requests

from tests.cluster.traffic import ANSWER, LIMITED, client_address, reply_kind


def test_alternating_between_the_replicas_does_not_double_the_allowance(cluster):
    per_minute = cluster.settings.messages_per_minute
    burst = max(5, per_minute // 2)
    sender = f"limiet-{uuid.uuid4().hex[:8]}"
    kinds, begun = [], time.monotonic()
    for number in range(2 * burst + 2):
        replica = cluster.replica_urls[number % 2]
        reply = requests.post(f"{replica}/webhooks/rest/webhook", json={"sender": sender, "message": "hallo"},
                              headers={"X-Forwarded-For": client_address(900)}, timeout=60)  # fmt: skip
        assert reply.status_code == 200, reply.text
        kinds.append(reply_kind(reply.json()))
    refilled = math.ceil((time.monotonic() - begun) * per_minute / 60)
    print(f"\n{len(kinds)} berichten afwisselend naar beide replica's: {kinds}")

    assert set(kinds) == {ANSWER, LIMITED}
    assert kinds[:burst] == [ANSWER] * burst  # the burst itself is not cut short
    assert kinds.count(ANSWER) <= burst + refilled  # and not doubled: one allowance for both replicas
