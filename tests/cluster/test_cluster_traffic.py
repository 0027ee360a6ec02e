"""20 conversations of 6 turns at once through HAProxy, half REST and half socket.io: nothing lost, nothing twice.

Every user message must be in PostgreSQL exactly once and in the order it was sent, and both replicas
must have served: REST clients keep no cookie (HAProxy spreads their turns), socket.io sessions stick.
"""

from __future__ import annotations

from tests.cluster.traffic import ANSWER, SOCKETIO, Traffic, check_stored, drive, stored_user_texts, summary

CONVERSATIONS, TURNS = 20, 6


def test_twenty_conversations_through_the_front_are_stored_exactly_once_and_in_order(cluster):
    traffic = Traffic(cluster.rasa_url, cluster.web_url, conversations=CONVERSATIONS, turns=TURNS, prefix="verkeer")
    talked = drive(traffic)
    verdicts = check_stored(cluster.tracker_url, talked)
    figures = summary(talked, verdicts)
    print(f"\n20 x 6 door HAProxy: {figures}")

    assert figures["attempts"] == figures[ANSWER] == CONVERSATIONS * TURNS, figures  # not one error or resend
    assert [v for v in verdicts if not v.clean] == []
    stored = stored_user_texts(cluster.tracker_url, [c.id for c in talked])
    assert all(stored[c.id] == c.texts for c in talked)
    assert sum(c.channel == SOCKETIO for c in talked) == CONVERSATIONS // 2
    # Both replicas held socket.io sessions (HAProxy's cookie names the replica).
    assert len({a.replica for a in traffic.attempts if a.channel == SOCKETIO}) == len(cluster.replica_urls)
