"""Fuzz: hundreds of generated malformed requests and events against the running Rasa server.

Each gets a 4xx or a polite answer; none a 5xx, and the server logs no traceback.
"""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.browser.chat_client import ChatClient

EXAMPLES = 200
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
ODD_TEXTS = ["", " ", "\n\t", "\ud800", "a\udfffb", "\x00", "/", "//", "/restart", "/acute_danger{", "/x{}@1.0",
             '/request_human{"mode": "live"}', '/greet{"topic": [1, {"a": null}]}', "x" * 1001, "é" * 5000]  # fmt: skip
texts = st.text(st.characters(exclude_categories=()), max_size=40) | st.sampled_from(ODD_TEXTS)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=8,
)
senders = st.sampled_from(["fuzz-1", "fuzz-2"]) | st.sampled_from(["", "x" * 65, "web-" + "0" * 32]) | json_values
rest_bodies = st.one_of(
    json_values.map(json.dumps),  # any JSON at all, mostly no object
    st.fixed_dictionaries({}, optional={"sender": senders, "message": json_values, "metadata": json_values,
                                        "input_channel": json_values}).map(json.dumps),  # fmt: skip
    st.fixed_dictionaries({"sender": st.sampled_from(["fuzz-1", "fuzz-2"]), "message": texts}).map(json.dumps),
    st.binary(max_size=200),
)
content_types = st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", None,
                                 "application/x-www-form-urlencoded"])  # fmt: skip
event_data = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={"message": json_values | texts, "session_id": json_values,
                                        "metadata": json_values | st.just("{niet: json"),
                                        "resume_token": json_values}),  # fmt: skip
    st.just({"message": "x" * 200_000}),
    st.tuples(json_values, json_values),  # two arguments where one is expected
)


def traceback_free(log_path, offset: int) -> None:
    with log_path.open(encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        new = log.read()
    assert "Traceback" not in new, new[new.index("Traceback") - 2000 :][:6000]


@pytest.fixture
def rasa_log(stack_dir):
    path = stack_dir / "logs" / "rasa.log"
    offset = path.stat().st_size
    yield path
    traceback_free(path, offset)


def test_malformed_rest_bodies_get_a_4xx_or_an_answer(stack, rasa_log):
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    statuses = []

    @FUZZ
    @given(body=rest_bodies, content_type=content_types)
    def post(body, content_type):
        headers = {"Content-Type": content_type} if content_type else {}
        reply = requests.post(url, data=body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body,
                              headers=headers, timeout=90)  # fmt: skip
        statuses.append(reply.status_code)
        assert reply.status_code < 500, (body, reply.text)
        assert isinstance(reply.json(), list) if reply.ok else "error" in reply.json()

    post()
    assert len(statuses) >= EXAMPLES


def test_malformed_socketio_events_get_an_error_or_an_answer(stack, rasa_log):
    chat = ChatClient(stack)
    chat.request_session()
    events = []

    @FUZZ
    @given(event=st.sampled_from(["user_uttered", "session_request", "iets_anders"]), data=event_data)
    def emit(event, data):
        nonlocal chat
        if not chat.sio.connected:  # a field over the transport's limit closes the connection, as it should
            chat = ChatClient(stack)
            chat.request_session()
        events.append(event)
        if event == "iets_anders":
            chat.sio.emit(event, data)
            return
        ack = chat.sio.call(event, data, timeout=90)
        assert ack is None or "error" in ack, ack

    try:
        emit()
    finally:
        chat.close()
    assert len(events) >= EXAMPLES
    assert requests.get(f"{stack.rasa_url}/webhooks/rest/", timeout=10).ok  # still serving
