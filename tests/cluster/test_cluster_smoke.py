"""The cluster as a whole: HAProxy answers, both replicas work, the events are in PostgreSQL,
a replica drained through the admin socket gets no new turns, and a replica killed with SIGKILL
leaves the front answering."""

from __future__ import annotations

import uuid

import requests

from bot.cluster import haproxy
from tests.browser.conftest import say  # a REST turn; through HAProxy here, as a client without a cookie
from tests.cluster.traffic import stored_user_texts


def user_texts(cluster, sender: str) -> list[str]:
    """The user messages Rasa stored for `sender`, read from PostgreSQL itself."""
    return stored_user_texts(cluster.tracker_url, [sender]).get(sender, [])


def sent_to(cluster) -> dict[str, int]:
    return {name: int(state["stot"]) for name, state in cluster.replica_states().items()}


def test_a_turn_through_haproxy_is_answered_and_stored_in_postgres(cluster):
    sender = f"rook-{uuid.uuid4().hex[:8]}"
    assert say(cluster, sender, "hallo")
    assert user_texts(cluster, sender) == ["hallo"]


def test_both_replicas_take_turns(cluster):
    before = sent_to(cluster)
    for _ in range(6):
        assert say(cluster, f"rook-{uuid.uuid4().hex[:8]}", "hallo")
    after = sent_to(cluster)
    assert set(after) == {"rasa1", "rasa2"}
    assert all(after[name] > before[name] for name in after), (before, after)


def test_the_session_cookie_keeps_a_client_on_one_replica(cluster):
    handshake = requests.get(f"{cluster.rasa_url}/socket.io/?EIO=4&transport=polling", timeout=30)
    assert handshake.status_code == 200
    replica = handshake.cookies.get("JEPRASA")
    assert replica in {"rasa1", "rasa2"}
    before = sent_to(cluster)
    sender = f"rook-{uuid.uuid4().hex[:8]}"
    for message in ("hallo", "wat doet het platform", "dank je"):
        reply = requests.post(f"{cluster.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                              cookies={"JEPRASA": replica}, timeout=60)  # fmt: skip
        reply.raise_for_status()
    after = sent_to(cluster)
    assert {name: after[name] - before[name] for name in after} == {name: 3 if name == replica else 0 for name in after}


def test_a_replica_drained_through_the_admin_socket_gets_no_new_turns(cluster):
    socket_path = cluster.layout.haproxy_socket
    assert "rasa1" in haproxy.admin(socket_path, "show servers state replicas")
    haproxy.admin(socket_path, "set server replicas/rasa2 state drain")
    try:
        assert cluster.replica_states()["rasa2"]["status"] == "DRAIN"
        before = sent_to(cluster)
        for _ in range(4):
            assert say(cluster, f"rook-{uuid.uuid4().hex[:8]}", "hallo")
        after = sent_to(cluster)
        assert after["rasa2"] == before["rasa2"] and after["rasa1"] >= before["rasa1"] + 4, (before, after)
    finally:
        haproxy.admin(socket_path, "set server replicas/rasa2 state ready")
    assert cluster.replica_states()["rasa2"]["status"] == "UP"


def test_killing_a_replica_leaves_the_front_answering(cluster):
    killed = cluster.replica_pids[0]
    cluster.kill_replica(0)
    senders = [f"rook-{uuid.uuid4().hex[:8]}" for _ in range(6)]
    for sender in senders:  # the first ones may still be sent to the dead replica: HAProxy tries the other
        assert say(cluster, sender, "hallo")
    assert all(user_texts(cluster, sender) == ["hallo"] for sender in senders)
    cluster.wait_for_replicas()  # the supervisor started it again; the next tests find two
    assert cluster.replica_pids[0] != killed
