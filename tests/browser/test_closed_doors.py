"""What a default Rasa deployment leaves open is closed on the running stack."""

from __future__ import annotations

import pytest
import requests


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/conversations/iemand/tracker"), ("POST", "/model/parse"), ("GET", "/status"),
     ("PUT", "/model"), ("POST", "/conversations/iemand/messages")],
)  # fmt: skip
def test_the_rasa_http_api_is_not_open(stack, method, path):
    reply = requests.request(method, stack.rasa_url + path, json={"text": "hallo"}, timeout=10)
    assert reply.status_code in (401, 403, 404, 405)


def test_the_action_server_refuses_a_caller_without_the_token(stack):
    url = f"http://{stack.host}:{stack.action_port}/webhook"
    assert requests.post(url, json={"next_action": "action_escalate"}, timeout=10).status_code == 401


def test_socketio_refuses_origins_that_are_not_allow_listed(stack):
    handshake = f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling"
    refused = requests.get(handshake, headers={"Origin": "https://kwaadwillend.example"}, timeout=10)
    assert refused.status_code == 400
    accepted = requests.get(handshake, headers={"Origin": stack.web_url}, timeout=10)
    assert accepted.status_code == 200


def test_rest_refuses_browsers_from_other_origins(stack):
    preflight = requests.options(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        headers={"Origin": "https://kwaadwillend.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") not in ("*", "https://kwaadwillend.example")


def test_a_flooding_client_is_asked_to_wait(stack):
    replies = [
        requests.post(
            f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": "vloed", "message": "hallo"}, timeout=30
        ).json()
        for _ in range(15)
    ]
    texts = [message.get("text", "") for reply in replies for message in reply]
    assert any("veel berichten kort na elkaar" in text for text in texts)
    assert "veel berichten" not in " ".join(m.get("text", "") for m in replies[0])
