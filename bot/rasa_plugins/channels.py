"""The REST channel the Rasa server loads from credentials.yml; the web chat is webchat.py.

Everything a REST client sends is checked before Rasa stores anything: the
Origin (allow-listed browsers, or none for tools), the content type (JSON
only), the body (a JSON object with a valid `sender` and a non-empty text
`message`); refusals are a 4xx with a Dutch `error`. Then the message passes
the gate both channels share (gate.py): quick replies from the allow-list,
redaction, the length limit and the rate limits, where `/message_too_long`
and `/rate_limited` stand in for a message that is not processed. When the
server starts, Rasa parses every message in a worker thread (off_loop.py).
A custom payload comes back with its plain text (plain_text.py) in the same
message, for clients that do not know our payloads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response

from bot.config import load_settings
from bot.conversation_ids import sender_problem
from bot.http_checks import NOT_AN_OBJECT, json_object, refusal
from bot.plain_text import plain_text
from bot.rasa_plugins.gate import address_of, shared_gate, typed_text
from bot.rasa_plugins.off_loop import parse_in_worker

log = logging.getLogger(__name__)
NOT_TEXT = "Het veld 'message' moet tekst zijn."
EMPTY = "Je bericht is leeg."


def parsing_in_worker(blueprint: Blueprint) -> Blueprint:
    @blueprint.listener("before_server_start")
    async def start(_app, _loop) -> None:
        parse_in_worker()

    return blueprint


def bad_request(error: str, status: int = 400) -> response.HTTPResponse:
    return response.json({"error": error}, status=status)


class PlainTextCollector(CollectingOutputChannel):
    """Rasa's collector, with the plain text beside each custom payload; the tracker keeps the payload alone."""

    def __init__(self, public_url: str) -> None:
        super().__init__()
        self.public_url = public_url

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        text = plain_text(json_message, self.public_url) or None
        await self._persist_message(self._message(recipient_id, text=text, custom=json_message))


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        settings = load_settings()
        webhook = Blueprint("custom_webhook_GuardedRestInput", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request):
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request):
            refused = refusal(
                request.headers.get("origin"), request.content_type, request.body, settings.allowed_origins
            )
            if refused:
                return bad_request(refused[1], status=refused[0])
            body = json_object(request.body)
            if body is None:
                return bad_request(NOT_AN_OBJECT)
            sender, message = body.get("sender"), body.get("message")
            if problem := sender_problem(sender):
                return bad_request(problem)
            if not isinstance(message, str):
                return bad_request(NOT_TEXT)
            text = typed_text(message)
            if not text:
                return bad_request(EMPTY)
            text = await asyncio.to_thread(shared_gate().admit, text, sender, address_of(request, settings))
            collector = PlainTextCollector(settings.public_url)
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except asyncio.CancelledError:
                log.error("REST message of %s timed out", sender)
            except Exception:
                log.exception("REST message of %s failed", sender)
            return response.json(collector.messages)

        return parsing_in_worker(webhook)
