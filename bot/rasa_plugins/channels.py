"""The channels the Rasa server loads from credentials.yml: REST and the web chat.

Both guard what comes in before Rasa stores anything: personal data is
replaced by typed placeholders (bot.privacy.redact), and a message over the
length limit is not processed at all; it becomes the intent
`/message_too_long`, which the assistant answers politely.

Rasa 3.6's own socket.io output passes a custom payload to `emit` as keyword
arguments, which breaks on the contract's payloads; the web chat sends it as
`{"custom": payload}`, like the REST channel does, and accepts connections
only from the allow-listed origins (JEP_ALLOWED_ORIGINS).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from socketio import AsyncServer

from bot.config import load_settings
from bot.privacy import redact

MAX_MESSAGE = 1000
TOO_LONG = "/message_too_long"
log = logging.getLogger(__name__)


def guard(text: str) -> str:
    """What Rasa may see of a message: redacted, or the too-long intent instead."""
    if len(text) > MAX_MESSAGE:
        return TOO_LONG
    if text.startswith("/"):  # a button's intent payload carries no typed text
        return text
    return redact(text).text


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req) -> str | None:
        message = (req.json or {}).get("message")
        return guard(str(message)) if message is not None else None


class WebChatOutput(SocketIOOutput):
    @classmethod
    def name(cls) -> str:
        return "webchat"

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WebChatInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            session_persistence=True,
            socketio_path=credentials.get("socketio_path", "/socket.io"),
        )

    def get_output_channel(self) -> WebChatOutput | None:
        return WebChatOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=list(load_settings().allowed_origins))
        self.sio = sio
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "webchat_webhook", __name__)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_request):
            return response.json({"status": "ok"})

        @sio.on("session_request")
        async def session_request(sid: str, data: dict | None) -> None:
            # A returning page asks for its own session id back: same conversation.
            session_id = str((data or {}).get("session_id") or uuid.uuid4().hex)
            # A coroutine in python-socketio 5.10+; Rasa 3.6's own channel forgets to await it.
            await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: dict) -> None:
            session_id = (data or {}).get("session_id")
            if not session_id:
                log.warning("webchat message without session id ignored")
                return
            metadata = data.get("metadata") or {}
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            output = WebChatOutput(sio, self.bot_message_evt)
            text = guard(str(data.get("message") or ""))
            await on_new_message(UserMessage(text, output, session_id, input_channel=self.name(), metadata=metadata))

        return socketio_webhook
