"""The web chat's socket.io channel, as the Rasa server loads it from credentials.yml.

Rasa 3.6's own socket.io output passes a custom payload to `emit` as keyword
arguments, which breaks on the contract's payloads; this channel sends it as
`{"custom": payload}`, like the REST channel does. It also accepts
connections only from the allow-listed origins (JEP_ALLOWED_ORIGINS).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from socketio import AsyncServer

from bot.config import load_settings

log = logging.getLogger(__name__)


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
            text = str(data.get("message") or "")
            await on_new_message(UserMessage(text, output, session_id, input_channel=self.name(), metadata=metadata))

        return socketio_webhook
