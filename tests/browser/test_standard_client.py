"""Clients that know only Rasa's standard protocol read every answer; our widget shows each one once.

The socket.io client follows Rasa's documented protocol with python-socketio's
AsyncClient, like rasa-webchat: `session_request`, wait for `session_confirm`,
`user_uttered`, and read `text` from every `bot_uttered`; it knows nothing of
our payloads. The REST webhook gives the same text beside each payload.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio

from tests.browser.conftest import ask, say

ARTICLE_URL = re.compile(r"https?://\S+/kennis/\S+")
QUESTIONS = {
    "articles": "Hoe ga ik in gesprek met een jongere die in complottheorieën gelooft?",
    "providers": "Welke organisatie steunt ouders van een jongere die radicaliseert?",
    "escalation": "Ik wil graag een adviseur spreken",
}


def in_own_loop(coroutine):
    # Playwright's sync API keeps an event loop running in this thread once a page test has run.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def standard_conversation(stack, message: str) -> list[dict]:
    """One question over socket.io as Rasa's docs describe it; every `bot_uttered` it brought."""
    client = socketio.AsyncClient(reconnection=False)
    replies: list[dict] = []
    confirmed: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", replies.append)
    client.on("session_confirm", confirmed.put)
    # The web chat takes connections only from the allow-listed origins: the stack's own page is one.
    await client.connect(stack.rasa_url, headers={"Origin": stack.web_url}, socketio_path="/socket.io")
    try:
        await client.emit("session_request", {"session_id": None})
        session = await asyncio.wait_for(confirmed.get(), timeout=30)
        # With an acknowledgement the client knows when the server has sent every reply; Rasa's own
        # socket.io channel acknowledges alike, so this is still its protocol.
        await client.call("user_uttered", {"message": message, "session_id": session["session_id"]}, timeout=90)
    finally:
        await client.disconnect()
    return replies


@pytest.mark.parametrize("kind", sorted(QUESTIONS))
def test_a_standard_socketio_client_gets_text_in_every_reply(stack, kind):
    replies = in_own_loop(standard_conversation(stack, QUESTIONS[kind]))
    assert any((reply.get("custom") or {}).get("type") == kind for reply in replies), replies
    assert all(isinstance(reply.get("text"), str) and reply["text"].strip() for reply in replies), replies
    text = "\n".join(reply["text"] for reply in replies)
    if kind == "articles":
        assert ARTICLE_URL.search(text), text
    if kind == "escalation":
        assert "070 333 45 58" in text and "Kenmerk: E-" in text


def test_an_acute_reply_says_112_in_its_first_text(stack):
    replies = in_own_loop(standard_conversation(stack, "er staat nu iemand met een pistool bij de schoolingang"))
    assert "112" in replies[0]["text"]
    assert all(reply.get("text", "").strip() for reply in replies), replies


@pytest.mark.parametrize("kind", sorted(QUESTIONS))
def test_the_rest_webhook_sends_text_with_every_payload(stack, kind):
    messages = say(stack, f"standaard-{kind}", QUESTIONS[kind])
    payloads = [message for message in messages if "custom" in message]
    assert any(message["custom"].get("type") == kind for message in payloads), messages
    assert all(str(message.get("text") or "").strip() for message in payloads), messages


def test_the_widget_shows_the_cards_and_not_their_text_as_well(page):
    ask(page, QUESTIONS["articles"])
    page.locator(".jep-card").first.wait_for()
    ask(page, QUESTIONS["escalation"])
    page.locator(".jep-escalation").wait_for()
    chat = page.locator(".jep-log").inner_text()
    assert "Artikelen bij je vraag" not in chat and "/kennis/" not in chat
    assert chat.count("Kenmerk: E-") == 1  # on the card, not again as plain text
