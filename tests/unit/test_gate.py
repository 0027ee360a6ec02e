"""The checks every message from outside passes, without a server (bot/rasa_plugins/gate.py and friends)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.conversation_ids import new_webchat_id, proves_ownership, resume_token, sender_problem
from bot.http_checks import is_json, json_object, origin_refused, refusal
from bot.rasa_plugins.gate import (
    RATE_LIMITED,
    TOO_LONG,
    Gate,
    address_of,
    allowed_payloads,
    quick_reply_payloads,
    typed_text,
)
from bot.store.retry import StoreUnavailable

SECRET = "proefgeheim"
BSN = "111222333"


def gate(parked: list | None = None, per_minute: int = 20, address_per_minute: int = 200) -> Gate:
    parked = [] if parked is None else parked
    return Gate(per_minute, address_per_minute, lambda conversation, phone: parked.append((conversation, phone)))


# --- the allow-list of quick replies ---


def test_the_allow_list_is_the_domains_button_payloads():
    assert allowed_payloads() == {
        "/request_human",
        "/find_provider",
        '/request_human{"mode": "callback"}',
        '/request_human{"mode": "live"}',
    }


def test_the_server_only_stand_ins_never_enter_the_allow_list():
    domain = {"responses": {"utter_x": [{"text": "x", "buttons": [{"payload": "/rate_limited"}, {"payload": "/ok"}]}]}}
    assert quick_reply_payloads(domain) == {"/ok"}


@pytest.mark.parametrize("payload", sorted(allowed_payloads()))
def test_a_quick_reply_passes_as_it_is(payload):
    assert typed_text(f"  {payload} ") == payload
    assert gate().admit(payload, "c", "192.0.2.1") == payload


@pytest.mark.parametrize(
    ("message", "typed"),
    [
        ("/acute_danger", "acute_danger"),
        ("/restart", "restart"),
        ("/rate_limited", "rate_limited"),
        ("/message_too_long", "message_too_long"),
        ("/ /acute_danger", "acute_danger"),  # Rasa strips before it looks for the "/"
        ("//request_human", "request_human"),
        ('/request_human{"topic": "<img src=x>"}', 'request_human{"topic": "<img src=x>"}'),
        ('/request_human{"mode":"live"}', 'request_human{"mode":"live"}'),  # not exactly the button's payload
        ("/", ""),
        ("   ", ""),
        ("\ud800", "\ufffd"),  # half an emoji
        ("hallo\x00", "hallo"),
        ("Hoe ga ik om met /r/ideeën?", "Hoe ga ik om met /r/ideeën?"),
    ],
)
def test_anything_else_is_plain_text_that_rasa_cannot_read_as_a_command(message, typed):
    assert typed_text(message) == typed


# --- redaction, also of what was meant as an entity value ---


def test_entity_values_in_a_refused_command_are_redacted():
    text = typed_text(f'/greet{{"topic": "BSN {BSN}", "email": "sami@voorbeeld.nl"}}')
    assert gate().admit(text, "c", "192.0.2.1") == 'greet{"topic": "BSN [BSN]", "email": "[EMAIL]"}'


def test_a_slash_does_not_skip_the_redaction():
    text = typed_text(f"/hallo mijn BSN is {BSN}, mail sami@voorbeeld.nl")
    assert gate().admit(text, "c", "192.0.2.1") == "hallo mijn BSN is [BSN], mail [EMAIL]"


def test_a_phone_number_is_parked_raw_and_redacted_in_the_message():
    parked: list = []
    assert gate(parked).admit("bel me op 06-24681357", "c", "192.0.2.1") == "bel me op [TELEFOON]"
    assert parked == [("c", "06-24681357")]


def test_a_long_message_is_not_processed():
    assert gate().admit("a" * 1001, "c", "192.0.2.1") == TOO_LONG


# --- limits ---


def test_the_conversation_limit_holds_whatever_the_channel():
    shared = gate(per_minute=10)  # a burst of 5
    # Both channels call the same gate with the conversation id alone.
    replies = [shared.admit("hallo", "gesprek", f"192.0.2.{n}") for n in range(6)]
    assert replies[:5] == ["hallo"] * 5 and replies[5] == RATE_LIMITED


def test_the_address_limit_holds_for_loopback_too():
    shared = gate(address_per_minute=3)
    replies = [shared.admit("hallo", f"gesprek-{n}", "127.0.0.1") for n in range(4)]
    assert replies == ["hallo"] * 3 + [RATE_LIMITED]
    assert shared.admit("hallo", "gesprek-x", "::1") == "hallo"  # another address has its own budget


def request(peer: str, forwarded: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(ip=peer, headers={"x-forwarded-for": forwarded} if forwarded else {})


def test_x_forwarded_for_counts_only_from_a_trusted_proxy():
    untrusted = SimpleNamespace(trusted_proxies=())
    trusted = SimpleNamespace(trusted_proxies=("127.0.0.1",))
    assert address_of(request("127.0.0.1", "198.51.100.7"), untrusted) == "127.0.0.1"
    assert address_of(request("203.0.113.9", "198.51.100.7"), trusted) == "203.0.113.9"
    assert address_of(request("127.0.0.1", "198.51.100.7"), trusted) == "198.51.100.7"
    # What the client wrote itself, in front of what our proxy appended, does not count.
    assert address_of(request("127.0.0.1", "1.2.3.4, 198.51.100.7"), trusted) == "198.51.100.7"


# --- conversation ids and their owners ---


def test_a_web_chat_id_is_random_and_its_token_proves_ownership():
    one, two = new_webchat_id(), new_webchat_id()
    assert one != two and one.startswith("web-") and len(one) == 36
    assert proves_ownership(SECRET, one, resume_token(SECRET, one))
    assert not proves_ownership(SECRET, two, resume_token(SECRET, one))  # another conversation's token
    assert not proves_ownership("ander-geheim", one, resume_token(SECRET, one))
    for token in (None, "", 42, ["x"], "0" * 64, resume_token(SECRET, one).upper()):
        assert not proves_ownership(SECRET, one, token)
    assert not proves_ownership(SECRET, "eval-0123456789ab", resume_token(SECRET, "eval-0123456789ab"))


@pytest.mark.parametrize("sender", ["eval-0123456789ab", "canary-rest", "a", "tool:1.2_x-y", "x" * 64])
def test_a_good_rest_sender_is_taken(sender):
    assert sender_problem(sender) is None


@pytest.mark.parametrize(
    "sender", [None, "", 42, ["a"], {"a": 1}, "x" * 65, "x" * 1_000_000, "met spatie", "ümlaut", "a/b", "\ud800",
               new_webchat_id(), "WEB-0123"],
)  # fmt: skip
def test_a_missing_oversized_or_odd_rest_sender_is_refused(sender):
    assert sender_problem(sender)


# --- the checks before a body is read ---


def test_origins_content_types_and_bodies():
    allowed = ("http://localhost:8000",)
    assert not origin_refused(None, allowed)  # tools without a browser
    assert not origin_refused("http://localhost:8000", allowed)
    assert origin_refused("https://kwaadwillend.example", allowed) and origin_refused("null", allowed)
    assert is_json("application/json") and is_json("Application/JSON; charset=utf-8")
    assert not is_json("text/plain") and not is_json(None) and not is_json("application/x-www-form-urlencoded")
    assert refusal(None, "text/plain", b"{}", allowed)[0] == 415
    assert refusal("https://kwaadwillend.example", "application/json", b"{}", allowed)[0] == 403
    assert refusal(None, "application/json", b" " * 70_000, allowed)[0] == 400
    assert refusal(None, "application/json", b"{}", allowed) is None


@pytest.mark.parametrize("body", [b"[]", b'"tekst"', b"12", b"null", b"", b"{", b"\xff\xfe\x00", b"[" * 100_000])
def test_only_a_json_object_is_a_body(body):
    assert json_object(body) is None


def test_a_json_object_is_read():
    assert json_object(b'{"sender": "a", "message": "\\ud800"}') == {"sender": "a", "message": "\ud800"}


def test_a_number_that_cannot_be_parked_does_not_lose_the_message():
    def locked(_conversation, _phone):
        raise StoreUnavailable

    gate = Gate(20, 200, locked)
    assert gate.admit("bel me op 06-12345678", "web-1", "203.0.113.9") == "bel me op [TELEFOON]"
