"""The web chat channel: socket.io for the widget, and the relay of an advisor's live messages.

A conversation belongs to the socket that holds it. `session_request` binds a
socket to a conversation: the one it asks for, when it shows that conversation's
resume token (bot/conversation_ids.py), else a new one with a fresh id. Only a
bound socket joins the conversation's room, so the replies and an advisor's
relayed messages reach only the owner; a message is taken only for the
conversation bound to its socket. Every message passes the gate both channels
share (gate.py). A malformed event gets a Dutch `error` in its acknowledgement
and is otherwise ignored; what a client sends as metadata is never stored.

A live chat with an advisor is marked for the widget: the reply that starts it
carries `"live": "started"`, the hand-back `"live": "ended"` (after which the
widget asks for a rating), the advisor's words `"advisor": true`. During it the
widget reports the professional's typing (`user_typing`); that state lives for
seconds (typing_state.py), never in the tracker, and the advisors' web app reads
it on `/typing` with the relay token.

With JEP_REDIS_URL set, Rasa replicas share the rooms' emits through Redis
(python-socketio's `AsyncRedisManager`): `/relay` may land on another replica
than the professional's socket, and still reaches it. The typing state is then
in Redis too.

Rasa 3.6's own socket.io output passes a custom payload to `emit` as keyword
arguments, which breaks on the contract's payloads; the web chat sends it as
`{"text": ..., "custom": payload}`, like the REST channel does: the text is
the payload in plain words (plain_text.py) for a generic Rasa client, added
here only, never to the tracker. It accepts connections only from the
allow-listed origins (JEP_ALLOWED_ORIGINS).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, ConversationResumed
from sanic import Blueprint, response
from socketio import AsyncRedisManager, AsyncServer

from bot.config import load_settings
from bot.conversation_ids import is_webchat_id, new_webchat_id, proves_ownership, resume_token
from bot.http_checks import NOT_AN_OBJECT, json_object
from bot.plain_text import custom_message
from bot.privacy import redact
from bot.rasa_plugins.channels import parsing_in_worker
from bot.rasa_plugins.gate import address_of, shared_gate, typed_text
from bot.rasa_plugins.typing_state import typing_state
from bot.shared_redis import TIMEOUT

log = logging.getLogger(__name__)
ROOMS_CHANNEL = "jep-webchat"  # the Redis pub/sub channel of the replicas' socket.io servers
NO_SESSION = {"error": "Vraag eerst een gesprek aan (session_request)."}
OTHER_SESSION = {"error": "Dit gesprek hoort niet bij deze verbinding."}
NOT_TEXT = {"error": "Stuur een bericht als tekst: {\"message\": \"...\"}."}
EMPTY = {"error": "Je bericht is leeg."}
NOT_TYPING = {"error": "Stuur of je typt als {\"typing\": true} of {\"typing\": false}."}
UNAUTHORISED = {"error": "niet geautoriseerd"}
LIVE_MARKS = {"utter_live_started": "started"}  # the hand-back's mark is set by /relay itself


def first(args: tuple) -> Any:
    """An event's data; a client may send none, or several arguments."""
    return args[0] if args else None


def relay_authorised(request, token: str) -> bool:
    """Whether the caller is the advisors' web app: it shows the shared relay token."""
    given = request.headers.get("authorization", "").removeprefix("Bearer ")
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


class WebChatOutput(SocketIOOutput):
    def __init__(self, sio: AsyncServer, bot_message_evt: str, public_url: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.public_url = public_url

    @classmethod
    def name(cls) -> str:
        return "webchat"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        mark = LIVE_MARKS.get(kwargs.get("utter_action"))
        if mark is None:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        await self._send_message(recipient_id, {"text": text.strip(), "live": mark})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, custom_message(json_message, self.public_url))


class WebChatSockets:
    """The socket.io side: which socket holds which conversation, and the events a socket sends."""

    def __init__(self, channel: WebChatInput, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self.channel, self.on_new_message = channel, on_new_message
        self.sio, self.settings, self.typing = channel.sio, channel.settings, channel.typing
        self.addresses: dict[str, str] = {}
        self.sessions: dict[str, str] = {}  # socket id -> the conversation it proved it owns
        for event, handler in (("connect", self.connect), ("disconnect", self.disconnect),
                               ("session_request", self.session_request), ("user_typing", self.user_typing),
                               (channel.user_message_evt, self.handle_message)):  # fmt: skip
            self.sio.on(event, handler)

    async def connect(self, sid: str, environ: dict, auth=None) -> None:
        # The Sanic driver sets REMOTE_ADDR to 127.0.0.1 always; the request knows the real one.
        request = environ.get("sanic.request")
        self.addresses[sid] = address_of(request, self.settings) if request is not None else ""

    async def disconnect(self, sid: str, *_reason) -> None:
        self.addresses.pop(sid, None)
        held = self.sessions.pop(sid, None)
        if held:
            await asyncio.to_thread(self.typing.mark, held, False)

    async def session_request(self, sid: str, *args) -> None:
        """A returning page gets its conversation back if it shows the resume token; anyone else a new one."""
        data = first(args)
        data = data if isinstance(data, dict) else {}
        asked, secret = data.get("session_id"), self.settings.session_secret
        session_id = asked if proves_ownership(secret, asked, data.get("resume_token")) else new_webchat_id()
        previous = self.sessions.get(sid)
        if previous and previous != session_id:
            await asyncio.to_thread(self.typing.mark, previous, False)
            await self.sio.leave_room(sid, previous)
        self.sessions[sid] = session_id
        await self.sio.enter_room(sid, session_id)
        confirmation = {"session_id": session_id, "resume_token": resume_token(secret, session_id)}
        await self.sio.emit("session_confirm", confirmation, room=sid)

    def refusal(self, sid: str, data: Any, well_formed: bool, malformed: dict) -> dict | None:
        """Why an event is not taken: its socket holds no conversation, it is malformed, or not for its own."""
        session_id = self.sessions.get(sid)
        if session_id is None:
            return NO_SESSION
        if not well_formed:
            return malformed
        return OTHER_SESSION if data.get("session_id") not in (None, session_id) else None

    async def user_typing(self, sid: str, *args) -> dict | None:
        """The widget in a live chat: whether the professional is typing now, at most every 2 seconds."""
        data = first(args)
        well_formed = isinstance(data, dict) and isinstance(data.get("typing"), bool)
        if refused := self.refusal(sid, data, well_formed, NOT_TYPING):
            return refused
        await asyncio.to_thread(self.typing.mark, self.sessions[sid], data["typing"])
        return None

    async def handle_message(self, sid: str, *args) -> dict | None:
        data = first(args)
        well_formed = isinstance(data, dict) and isinstance(data.get("message"), str)
        if refused := self.refusal(sid, data, well_formed, NOT_TEXT):
            if refused is OTHER_SESSION:
                log.warning("webchat message for a conversation its socket does not hold: refused")
            return refused
        text = typed_text(data["message"])
        if not text:
            return EMPTY
        session_id = self.sessions[sid]
        await asyncio.to_thread(self.typing.mark, session_id, False)  # sent: the advisor sees the message instead
        text = await asyncio.to_thread(shared_gate().admit, text, session_id, self.addresses.get(sid, ""))
        output = self.channel.get_output_channel()
        await self.on_new_message(UserMessage(text, output, session_id, input_channel=self.channel.name()))
        return None


def add_advisor_routes(blueprint: SocketBlueprint, channel: WebChatInput) -> None:
    """/relay and /typing: what the advisors' web app calls, with the shared relay token."""
    settings, typing = channel.settings, channel.typing

    @blueprint.route("/relay", methods=["POST"])
    async def relay(request):
        """An advisor's message to a live conversation, or the hand-back to the bot.

        The professional sees the advisor's words as typed; the tracker keeps
        them redacted, like everything else.
        """
        if not relay_authorised(request, settings.relay_token):
            return response.json(UNAUTHORISED, status=401)
        body = json_object(request.body)
        if body is None:
            return response.json({"error": NOT_AN_OBJECT}, status=400)
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
                ended = await agent.nlg.generate("utter_live_ended", tracker, channel.name())
                messages.append({"text": ended["text"], "live": "ended"})
                await asyncio.to_thread(typing.mark, session_id, False)
                tracker.update(BotUttered(ended["text"], metadata={"utter_action": "utter_live_ended"}))
            await agent.tracker_store.save(tracker)
        if is_webchat_id(session_id):  # a REST conversation has no room; a socket's own room is not one
            for message in messages:
                await channel.sio.emit(channel.bot_message_evt, message, room=session_id)
        return response.json({"status": "ok"})

    @blueprint.route("/typing", methods=["GET"])
    async def professional_typing(request):
        """Whether the professional of a live chat is typing, for the advisor's page."""
        if not relay_authorised(request, settings.relay_token):
            return response.json(UNAUTHORISED, status=401)
        session_id = request.args.get("session_id") or ""
        typing_now = is_webchat_id(session_id) and await asyncio.to_thread(typing.is_typing, session_id)
        return response.json({"typing": typing_now})


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
        return WebChatOutput(self.sio, self.bot_message_evt, self.settings.public_url) if self.sio else None

    def rooms(self) -> AsyncRedisManager | None:
        """Rooms shared by the replicas through Redis, or None: python-socketio's own, in this process."""
        if not self.settings.redis_url:
            return None
        # No read timeout: the manager's one connection waits for the others' emits as long as it takes.
        options = {"socket_connect_timeout": TIMEOUT}
        return AsyncRedisManager(self.settings.redis_url, channel=ROOMS_CHANNEL, redis_options=options)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        self.settings = load_settings()
        self.sio = AsyncServer(
            async_mode="sanic", cors_allowed_origins=list(self.settings.allowed_origins), client_manager=self.rooms()
        )
        self.typing = typing_state(self.settings)
        socketio_webhook = SocketBlueprint(self.sio, self.socketio_path, "webchat_webhook", __name__)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_request):
            return response.json({"status": "ok"})

        add_advisor_routes(socketio_webhook, self)
        WebChatSockets(self, on_new_message)
        return parsing_in_worker(socketio_webhook)
