"""Issue 22 item 6: the widget's header and its first message say plainly that this is an automated assistant
(AI) and not a person, and how to reach a person (EU AI Act art. 50(1): at the first interaction). At 375 and
1280 px, and in what the assistant itself says when greeted."""

from __future__ import annotations

from tests.browser.conftest import ask, say

PLAIN = ("AI", "geen mens")


def test_the_header_says_it_is_an_ai_and_how_to_reach_a_person(chat):
    header = chat.locator(".jep-header")
    text = header.inner_text()
    assert all(words in text for words in PLAIN), text
    assert "Een mens spreken? Bel de Advieslijn" in text
    person = header.locator("a[href='tel:0703334558']")
    assert person.inner_text() == "070 333 45 58" and person.is_visible()
    # In view from the start, at every width: it is above the messages and does not scroll away.
    assert header.locator(".jep-disclosure").bounding_box()["y"] < chat.viewport_size["height"]


def test_the_first_message_says_it_is_an_ai_and_how_to_reach_a_person(chat):
    first = chat.locator(".jep-welcome")
    assert first.is_visible()
    text = first.inner_text()
    assert "computerprogramma (AI), geen mens" in text
    assert "Wil je een mens spreken? Bel de Advieslijn op 070 333 45 58 of vraag hier om een adviseur." in text
    assert first.locator("a[href='tel:0703334558']").count() == 1
    # Asking for an adviser, as the welcome says, reaches the Advieslijn.
    ask(chat, "Ik wil graag een adviseur spreken")
    chat.locator(".jep-escalation").last.wait_for()


def test_the_greeting_says_it_is_an_ai_and_how_to_reach_a_person(chat, stack):
    ask(chat, "Hallo")
    greeting = chat.locator(".jep-bot").last.inner_text()
    assert "computerprogramma (AI), geen mens" in greeting
    assert "Bel de Advieslijn op 070 333 45 58" in greeting
    # The same words on every channel, straight from Rasa.
    texts = " ".join(reply.get("text", "") for reply in say(stack, "ai-disclosure-rest", "Hallo"))
    assert "computerprogramma (AI), geen mens" in texts and "070 333 45 58" in texts
