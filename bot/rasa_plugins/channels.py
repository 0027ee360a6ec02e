"""The channels the Rasa server loads from credentials.yml: REST and the web chat.

Both guard what comes in before Rasa stores anything: personal data is
replaced by typed placeholders (bot.privacy.redact); a message over the
length limit, or from a client over its rate limit (JEP_MESSAGES_PER_MINUTE),
is not processed at all: it becomes the intent `/message_too_long` or
`/rate_limited`, which the assistant answers politely. When the server
starts, they have Rasa parse every message in a worker thread (off_loop.py).

Rasa 3.6's own socket.io output passes a custom payload to `emit` as keyword
arguments, which breaks on the contract's payloads; the web chat sends it as
`{"custom": payload}`, like the REST channel does, and accepts connections
only from the allow-listed origins (JEP_ALLOWED_ORIGINS).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, ConversationResumed
from sanic import Blueprint, response
from socketio import AsyncServer

from bot.config import load_settings
from bot.escalation.callback import PendingCallbacks
from bot.privacy import redact
from bot.rasa_plugins.off_loop import parse_in_worker
from bot.ratelimit import RateLimiter
from bot.store import make_engine, make_sessionmaker

MAX_MESSAGE = 1000
TOO_LONG = "/message_too_long"
RATE_LIMITED = "/rate_limited"
log = logging.getLogger(__name__)
_per_minute = load_settings().messages_per_minute
per_conversation = RateLimiter(per_minute=_per_minute, burst=max(5, _per_minute // 2))
# One address may hold many conversations (an office); loopback is the operator's own tooling.
per_address = RateLimiter(per_minute=10 * _per_minute, burst=5 * _per_minute)


def parsing_in_worker(blueprint: Blueprint) -> Blueprint:
    @blueprint.listener("before_server_start")
    async def start(_app, _loop) -> None:
        parse_in_worker()

    return blueprint


def allowed(conversation: str, address: str | None) -> bool:
    if not per_conversation.allow(conversation):
        return False
    return not address or ipaddress.ip_address(address).is_loopback or per_address.allow(address)


def guard(text: str, conversation_id: str, channel: str, address: str | None) -> str:
    """What Rasa may see of a message: redacted, or an intent that stands in for it."""
    if not allowed(f"{channel}:{conversation_id}", address):
        return RATE_LIMITED
    if len(text) > MAX_MESSAGE:
        return TOO_LONG
    if text.startswith("/"):  # a button's intent payload carries no typed text
        return text
    redaction = redact(text)
    phones = [text[f.start : f.end] for f in redaction.found if f.type == "TELEFOON"]
    if phones:
        # The one raw value the product keeps: a callback number, if the assistant just asked for one.
        pending_callbacks().park(conversation_id, phones[-1])
    return redaction.text


@lru_cache(maxsize=1)
def pending_callbacks() -> PendingCallbacks:
    return PendingCallbacks(make_sessionmaker(make_engine(load_settings().db_url)))


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req) -> str | None:
        message = (req.json or {}).get("message")
        if message is None:
            return None
        return guard(str(message), str((req.json or {}).get("sender")), "rest", req.ip or None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return parsing_in_worker(super().blueprint(on_new_message))


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

        @socketio_webhook.route("/relay", methods=["POST"])
        async def relay(request):
            """An advisor's message to a live conversation, or the hand-back to the bot.

            Called by the advisors' web app with the shared relay token. The
            professional sees the advisor's words as typed; the tracker keeps
            them redacted, like everything else.
            """
            token = os.environ.get("JEP_RELAY_TOKEN", "")
            given = request.headers.get("authorization", "").removeprefix("Bearer ")
            if not token or not hmac.compare_digest(given.encode(), token.encode()):
                return response.json({"error": "niet geautoriseerd"}, status=401)
            body = request.json or {}
            session_id, text = str(body.get("session_id") or ""), str(body.get("text") or "").strip()
            agent = request.app.ctx.agent
            async with agent.lock_store.lock(session_id):
                tracker = await agent.tracker_store.retrieve(session_id)
                if tracker is None:
                    return response.json({"error": "onbekend gesprek"}, status=404)
                messages = []
                if text:
                    messages.append({"text": text, "advisor": True})
                    tracker.update(BotUttered(redact(text).text, metadata={"advisor": True}))
                if body.get("resume"):
                    tracker.update(ConversationResumed())
                    ended = await agent.nlg.generate("utter_live_ended", tracker, self.name())
                    messages.append({"text": ended["text"]})
                    tracker.update(BotUttered(ended["text"], metadata={"utter_action": "utter_live_ended"}))
                await agent.tracker_store.save(tracker)
            for message in messages:
                await sio.emit(self.bot_message_evt, message, room=session_id)
            return response.json({"status": "ok"})

        addresses: dict[str, str] = {}

        @sio.on("connect")
        async def connect(sid: str, environ: dict, auth=None) -> None:
            # The Sanic driver sets REMOTE_ADDR to 127.0.0.1 always; the request knows the real one.
            request = environ.get("sanic.request")
            addresses[sid] = (request.ip if request is not None else "") or ""

        @sio.on("disconnect")
        async def disconnect(sid: str) -> None:
            addresses.pop(sid, None)

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
            text = await asyncio.to_thread(
                guard, str(data.get("message") or ""), session_id, "webchat", addresses.get(sid)
            )
            await on_new_message(UserMessage(text, output, session_id, input_channel=self.name(), metadata=metadata))

        return parsing_in_worker(socketio_webhook)
