"""Limits that hold on the running stack: per conversation across channels, per address, on ratings."""

from __future__ import annotations

import requests

from bot.conversation_ids import new_webchat_id, resume_token
from tests.browser.chat_client import ChatClient

TOO_MANY = "veel berichten kort na elkaar"


def test_after_the_limit_on_socketio_rest_cannot_go_on_in_that_conversation(stack):
    chat = ChatClient(stack)
    try:
        chat.request_session()
        for _ in range(12):
            chat.say("hallo")
        assert TOO_MANY in chat.texts()
    finally:
        chat.close()
    # The limit is keyed on the conversation alone (tests/unit/test_gate.py); REST cannot even name this one.
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                          json={"sender": chat.session_id, "message": "hallo"}, timeout=60)  # fmt: skip
    assert reply.status_code == 400


def rate(stack, session_id: str, forwarded_for: str | None = None) -> requests.Response:
    headers = {"Origin": stack.web_url} | ({"X-Forwarded-For": forwarded_for} if forwarded_for else {})
    body = {"session_id": session_id, "resume_token": resume_token(stack.session_secret, session_id), "rating": "up"}
    return requests.post(f"{stack.web_url}/feedback", json=body, headers=headers, timeout=30)


def test_ratings_are_limited_per_conversation(stack):
    session_id = new_webchat_id()
    statuses = [rate(stack, session_id).status_code for _ in range(12)]
    assert statuses[0] == 200 and 429 in statuses
    assert "error" in rate(stack, session_id).json()


def test_a_forwarded_for_header_from_an_untrusted_peer_does_not_escape_the_address_limit(stack):
    # Every rating its own conversation and its own made-up address: only the peer (127.0.0.1) counts.
    statuses = [rate(stack, new_webchat_id(), forwarded_for=f"198.51.100.{n}").status_code for n in range(40)]
    assert 429 in statuses
    assert set(statuses) <= {200, 429}


def test_a_rating_needs_the_conversations_token_origin_and_json(stack):
    session_id = new_webchat_id()
    url = f"{stack.web_url}/feedback"
    without = requests.post(url, json={"session_id": session_id, "rating": "up"}, timeout=30)
    wrong = requests.post(url, json={"session_id": session_id, "resume_token": "0" * 64, "rating": "up"}, timeout=30)
    foreign = requests.post(url, json={"session_id": session_id, "rating": "up"}, timeout=30,
                            headers={"Origin": "https://kwaadwillend.example"})  # fmt: skip
    plain = requests.post(url, data='{"session_id": "x", "rating": "up"}', timeout=30,
                          headers={"Content-Type": "text/plain"})  # fmt: skip
    listed = requests.post(url, json=["up"], timeout=30)
    assert [r.status_code for r in (without, wrong, foreign, plain, listed)] == [403, 403, 403, 415, 400]
    assert all(r.json()["error"] for r in (without, wrong, foreign, plain, listed))
