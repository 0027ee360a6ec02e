"""The plain-text rendering of contract payloads that generic Rasa clients show instead of the cards."""

import asyncio

import pytest

from bot.plain_text import plain_text
from bot.rasa_plugins.channels import PlainTextCollector

PUBLIC = "https://jep.example.nl/"


def escalation(**fields) -> dict:
    payload = {
        "type": "escalation", "ticket": "E-2026-000123", "reason": "user_request", "mode": "phone",
        "phone": "070 333 45 58", "open_now": True, "hours": "maandag t/m vrijdag 09:00–17:00", "emergency": None,
    }  # fmt: skip
    return payload | fields


def test_articles_get_a_line_each_with_an_absolute_url():
    payload = {"type": "articles", "query": "q", "items": [
        {"id": "a", "title": "Het gesprek aangaan", "summary": "…", "url": "/kennis/a"},
        {"id": "b", "title": "Signalen", "summary": "…", "url": "https://elders.example.nl/kennis/b"},
    ]}  # fmt: skip
    lines = plain_text(payload, PUBLIC).splitlines()
    assert lines[1:] == [
        "- Het gesprek aangaan – https://jep.example.nl/kennis/a",
        "- Signalen – https://elders.example.nl/kennis/b",
    ]


def test_providers_say_only_the_known_facts():
    payload = {"type": "providers", "items": [
        {"id": "steunpunt", "name": "Familiesteunpunt", "phone": "088 123 45 67", "url": "https://steunpunt.nl"},
        {"id": "wijkteam", "name": "Wijkteam", "phone": None, "url": None},
        {"id": "politie", "name": "Politie", "phone": None, "url": None, "page": "/organisaties/politie-eigen"},
    ]}  # fmt: skip
    lines = plain_text(payload, PUBLIC).splitlines()
    assert lines[1:] == [
        "- Familiesteunpunt – tel. 088 123 45 67 – https://steunpunt.nl",
        "- Wijkteam – https://jep.example.nl/organisaties/wijkteam",
        "- Politie – https://jep.example.nl/organisaties/politie-eigen",
    ]
    assert "None" not in plain_text(payload, PUBLIC)


def test_acute_says_112_first_then_the_advieslijn_and_the_ticket():
    text = plain_text(escalation(reason="acute", emergency="112"), PUBLIC)
    assert text.index("112") < text.index("070 333 45 58")
    assert text.startswith("Is er direct gevaar? Bel 112.")
    assert "Kenmerk: E-2026-000123" in text


@pytest.mark.parametrize(
    ("mode", "said"),
    [("phone", "Bel de Advieslijn"), ("callback", "belt je terug"), ("live", "komt zo in dit gesprek")],
)
def test_each_mode_says_what_happens_next(mode, said):
    text = plain_text(escalation(mode=mode), PUBLIC)
    assert said in text and "070 333 45 58" in text and "112" not in text
    assert "maandag t/m vrijdag 09:00–17:00" in text and text.endswith("Kenmerk: E-2026-000123")


def test_phone_says_whether_the_line_is_open():
    assert "(nu gesloten; maandag" in plain_text(escalation(open_now=False), PUBLIC)


def test_an_unknown_payload_has_no_text():
    assert plain_text({"type": "kaart", "items": []}, PUBLIC) == ""
    assert plain_text({"items": []}, PUBLIC) == ""
    assert plain_text(["niet", "een", "object"], PUBLIC) == ""


def test_no_items_is_said_plainly():
    assert plain_text({"type": "articles", "items": []}, PUBLIC) == "Ik vond geen artikelen bij je vraag."
    assert plain_text({"type": "providers"}, PUBLIC) == "Ik vond geen organisaties bij je vraag."


@pytest.mark.parametrize(
    "item",
    [
        {"title": None, "url": None},
        {"title": ["lijst"], "url": {"x": 1}, "id": 5},
        {"title": "Regel\nmet  <b>tekens</b>", "url": "javascript:alert(1)"},
        {"title": True, "url": "//elders.example.nl/x"},
    ],
)
def test_odd_values_do_not_crash_and_unsafe_links_are_left_out(item):
    text = plain_text({"type": "articles", "items": [item, "geen object", None]}, PUBLIC)
    assert "javascript:" not in text and "//elders" not in text and "None" not in text
    assert text.count("\n") <= 1  # the heading and at most the one item that says something


def test_a_title_stays_on_one_line_as_it_was_written():
    payload = {"type": "articles", "items": [{"title": "Regel\nmet  <b>tekens</b>", "url": "/kennis/x"}]}
    assert plain_text(payload, "http://localhost:8000").splitlines()[1] == (
        "- Regel met <b>tekens</b> – http://localhost:8000/kennis/x"
    )


def test_the_rest_channel_sends_the_text_in_the_same_message_as_the_payload():
    collector = PlainTextCollector(PUBLIC)
    payload = escalation(mode="live")
    asyncio.run(collector.send_response("gesprek", {"text": "Ik haal er iemand bij."}))
    asyncio.run(collector.send_response("gesprek", {"custom": payload}))
    asyncio.run(collector.send_response("gesprek", {"custom": {"type": "onbekend"}}))
    first, second, third = collector.messages
    assert first == {"recipient_id": "gesprek", "text": "Ik haal er iemand bij."}
    assert second == {"recipient_id": "gesprek", "text": plain_text(payload, PUBLIC), "custom": payload}
    assert third == {"recipient_id": "gesprek", "custom": {"type": "onbekend"}}  # no empty text
