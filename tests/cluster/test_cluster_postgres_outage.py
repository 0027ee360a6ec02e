"""PostgreSQL stopped for 15 s under load, then started: told plainly, nothing lost, nothing twice.

12 conversations (half REST, half socket.io) talk through HAProxy while PostgreSQL, which holds both
the tracker store and the project's tables, is stopped for 15 s. During the outage a message is either
answered as before (stored before the stop) or answered with the Dutch "niet ontvangen" and nothing
else: never an HTTP 500, an empty answer or a wait beyond the bound of the store's retries. The client
sends a "niet ontvangen" message again after two seconds, as the reply asks. After the restart every
conversation finishes, and every message is in the tracker store exactly once, in order.
"""

from __future__ import annotations

import asyncio
import time

from bot.store.db import CONNECT_TIMEOUT
from bot.store.retry import POLICY
from tests.cluster.traffic import ANSWER, NOT_RECEIVED, NOT_STORED, Traffic, check_stored, drive, summary

CONVERSATIONS, TURNS = 12, 10
DOWN_FOR = 15.0
# The longest a turn may take while the database is down: a store call gives up after its retry budget
# plus one connect timeout, and a turn meets at most two that fail (the tracker store's and an action's),
# with room for the queue of a busy 2-core machine; far below the clients' own timeout (60 s).
LONGEST_TURN = 2 * (POLICY.budget + CONNECT_TIMEOUT) + 7.0


def test_postgres_down_for_fifteen_seconds_loses_and_doubles_nothing(cluster):
    traffic = Traffic(cluster.rasa_url, cluster.web_url, conversations=CONVERSATIONS, turns=TURNS,
                      pause=(0.5, 1.5), prefix="pg")  # fmt: skip
    outage: dict = {}

    async def stop_and_start(traffic: Traffic) -> None:
        await traffic.answered(CONVERSATIONS * 2)
        await asyncio.to_thread(cluster.postgres_server.stop)
        outage["from"] = time.time()
        await asyncio.sleep(DOWN_FOR)
        await asyncio.to_thread(cluster.postgres_server.start)
        outage["until"] = time.time()

    try:
        talked = drive(traffic, stop_and_start)
    finally:
        if "until" not in outage:
            cluster.postgres_server.start()
    verdicts = check_stored(cluster.tracker_url, talked)
    figures = summary(talked, verdicts)
    attempts = traffic.attempts
    during = [a for a in attempts if a.started < outage["until"] and a.started + a.seconds > outage["from"]]
    print(f"\nPostgreSQL {DOWN_FOR:.0f} s gestopt: {figures}")
    print(f"tijdens de storing: {len(during)} berichten, {sum(a.kind == NOT_STORED for a in during)} 'niet ontvangen', "
          f"langste {max(a.seconds for a in during):.1f} s")  # fmt: skip

    assert sum(a.kind == NOT_STORED for a in during) >= CONVERSATIONS // 2, "de storing raakte bijna niemand"
    # Answered, or told plainly that it did not arrive: no error, no empty answer, no 500.
    assert {a.kind for a in attempts} <= {ANSWER, NOT_STORED}, [a.detail for a in attempts if a.detail][:5]
    for attempt in attempts:
        if attempt.kind == NOT_STORED:
            assert [r.get("text") for r in attempt.replies] == [NOT_RECEIVED], "naast 'niet ontvangen' een antwoord"
    assert max(a.seconds for a in attempts) < LONGEST_TURN
    # After the restart: every turn answered, every message stored once and in order.
    assert figures["unanswered"] == 0, figures
    assert figures["lost"] == figures["twice"] == figures["resent_twice"] == figures["out_of_order"] == 0, figures
    assert figures["sessions_lost"] == 0
