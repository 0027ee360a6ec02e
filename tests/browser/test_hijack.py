"""A conversation belongs to whoever holds its resume token: a known session id alone gets nothing of it."""

from __future__ import annotations

import time

import pytest
import requests

from bot.conversation_ids import resume_token
from tests.browser.chat_client import ChatClient
from tests.browser.helpers import user_events
from tests.browser.test_escalation_paths import relay


def user_texts(stack, conversation_id: str) -> list[str]:
    return user_events(stack, conversation_id, "data")


@pytest.fixture
def victim(stack):
    client = ChatClient(stack)
    client.request_session()
    yield client
    client.close()


@pytest.mark.parametrize("token", [None, "", "0" * 64, "niet-het-token"])
def test_a_known_session_id_without_its_token_gets_a_new_conversation_and_nothing_of_the_victims(
    stack, victim, token
):
    attacker = ChatClient(stack)
    try:
        assert attacker.request_session(victim.session_id, token) != victim.session_id
        victim.say("Hoe herken ik signalen van radicalisering?")
        assert relay(stack, victim.session_id, text="Vertrouwelijk bericht van de adviseur.").ok
        victim.wait_for("Vertrouwelijk bericht van de adviseur.")
        time.sleep(1)
        assert victim.replies and attacker.replies == []  # no answer, no relayed advisor message

        ack = attacker.say("Ik schrijf in andermans gesprek", session_id=victim.session_id)
        assert "error" in ack
        assert not any("andermans" in row for row in user_texts(stack, victim.session_id))
    finally:
        attacker.close()


def test_a_token_for_another_conversation_does_not_open_this_one(stack, victim):
    attacker = ChatClient(stack)
    try:
        own = attacker.request_session()
        assert attacker.request_session(victim.session_id, resume_token("geraden", victim.session_id)) != (
            victim.session_id
        )
        assert attacker.request_session(victim.session_id, attacker.token) != victim.session_id
        assert own != victim.session_id
    finally:
        attacker.close()


def test_the_owner_rejoins_with_the_token_after_a_reload(stack, victim):
    victim.say("Wat is Platform JEP?")
    victim.close()
    again = ChatClient(stack)
    try:
        assert again.request_session(victim.session_id, victim.token) == victim.session_id
        again.say("Dankjewel")
        assert len(user_texts(stack, victim.session_id)) == 2
    finally:
        again.close()


def rest(stack, body) -> requests.Response:
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)


SENDERS = {"ontbreekt": None, "leeg": "", "65 tekens": "x" * 65, "1 MB": "x" * 1_000_000, "getal": 42,
           "lijst": ["lijst"], "spatie": "met spatie", "html": "<script>"}  # fmt: skip


@pytest.mark.parametrize("sender", SENDERS.values(), ids=SENDERS.keys())
def test_a_rest_post_without_a_proper_sender_is_refused(stack, sender):
    body = {"message": "hallo"} if sender is None else {"sender": sender, "message": "hallo"}
    reply = rest(stack, body)
    assert reply.status_code == 400
    assert reply.json()["error"]


def test_a_rest_post_cannot_write_into_a_web_chat(stack, victim):
    reply = rest(stack, {"sender": victim.session_id, "message": "Ik schrijf via REST in de chat"})
    assert reply.status_code == 400
    assert user_texts(stack, victim.session_id) == []
    assert victim.replies == []
