"""kill -9 of one Rasa replica under load: the conversations go on at the other one, with their history.

20 conversations of 8 turns, half REST and half socket.io, through HAProxy. After a third of the turns
replica 1 gets SIGKILL. A request that was in flight on it fails; the client sends that message again
(as a person would after an error), and the socket.io clients reconnect by themselves and get their
conversation back with the resume token. Afterwards no user event is lost and nothing is stored twice,
except what the client cannot know: a message the killed replica had stored just before it died,
stored once more by the resend (`resent_twice`, printed). The survivor continued each conversation
from the tracker store: every conversation has one session start and all its turns, in order.
"""

from __future__ import annotations

import asyncio
import time

from tests.cluster.traffic import ANSWER, ERROR, SOCKETIO, Traffic, check_stored, drive, stored_events, summary

CONVERSATIONS, TURNS = 20, 8
KILLED = 0


def test_a_killed_replica_loses_no_conversation_and_no_message(cluster):
    traffic = Traffic(cluster.rasa_url, cluster.web_url, conversations=CONVERSATIONS, turns=TURNS,
                      pause=(0.5, 1.5), prefix="kill")  # fmt: skip
    killed: dict = {}

    async def kill_in_the_middle(traffic: Traffic) -> None:
        await traffic.answered(CONVERSATIONS * TURNS // 3)
        # Which socket.io sessions sit on the replica about to die (HAProxy's cookie: rasa1, rasa2, ...).
        killed["sockets"] = [c for c in traffic.talking
                             if c.channel == SOCKETIO and c.client.replica == f"rasa{KILLED + 1}"]  # fmt: skip
        killed["at"] = time.time()
        await asyncio.to_thread(cluster.kill_replica, KILLED)

    try:
        talked = drive(traffic, kill_in_the_middle)
    finally:
        cluster.wait_for_replicas()  # the supervisor restarts the replica; the next test needs both again
    verdicts = check_stored(cluster.tracker_url, talked)
    figures = summary(talked, verdicts)
    failed = [a for a in traffic.attempts if a.kind == ERROR]
    print(f"\nkill -9 van replica {KILLED + 1}: {figures}")
    print(f"mislukte verzoeken (daarna opnieuw verstuurd): {[(a.channel, a.detail) for a in failed]}")
    print(f"na een mislukt verzoek dubbel opgeslagen (de replica bewaarde het vlak voor de kill): "
          f"{figures['resent_twice']}")  # fmt: skip

    assert killed["sockets"], "geen socket.io-gesprek op de replica die stopte: de test bewees niets"
    assert figures["lost"] == figures["twice"] == figures["out_of_order"] == figures["foreign"] == 0, figures
    assert figures["unanswered"] == 0, figures  # every turn was answered in the end
    # Only a request that failed at the kill may have been stored twice.
    assert figures["resent_twice"] <= len(failed)
    assert all(a.started < killed["at"] + 60 for a in failed), "fouten lang na de kill"
    # The socket.io clients on the killed replica came back by themselves, to the same conversation.
    assert all(c.client.reconnects >= 1 for c in killed["sockets"])
    assert figures["sessions_lost"] == 0
    # The survivor continued from the stored tracker: a replica that did not know a conversation's history
    # would have started it anew (a second session start); and their turns after the kill were answered.
    starts = stored_events(cluster.tracker_url, [c.id for c in talked], ["session_started"])
    assert {c.id: len(starts.get(c.id, [])) for c in talked} == {c.id: 1 for c in talked}
    for conversation in killed["sockets"]:
        assert any(a.kind == ANSWER and a.started > killed["at"] for a in conversation.attempts)
