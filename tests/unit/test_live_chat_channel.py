"""The web chat's side of a live chat: the professional's typing state runs out by itself, is only
taken from the socket that holds the conversation, malformed events get a polite refusal, and it is
never stored; the replies that start and end a live chat are marked for the widget."""
import asyncio

import pytest

from bot.config import load_settings
from bot.conversation_ids import resume_token
from bot.rasa_plugins.typing_state import TypingState
from bot.rasa_plugins.webchat import NO_SESSION, NOT_TYPING, OTHER_SESSION, WebChatInput, WebChatOutput


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_typing_runs_out_unless_repeated():
    clock = Clock()
    state = TypingState(clock, lasts=6.0)
    state.mark("web-a", True)
    clock.now += 5.9
    assert state.is_typing("web-a") and not state.is_typing("web-b")
    state.mark("web-a", True)  # the widget repeats while keys are pressed
    clock.now += 5.9
    assert state.is_typing("web-a")
    clock.now += 0.2
    assert not state.is_typing("web-a")


def test_stopping_ends_it_at_once():
    state = TypingState(Clock())
    state.mark("web-a", True)
    state.mark("web-a", False)
    assert not state.is_typing("web-a")
    state.mark("web-nooit", False)  # nothing to end: no error, nothing kept
    assert not state.is_typing("web-nooit")


def test_a_flood_of_conversations_is_bounded():
    clock = Clock()
    state = TypingState(clock, lasts=6.0, most=3)
    for name in ("web-1", "web-2", "web-3", "web-4"):
        state.mark(name, True)
    assert not state.is_typing("web-4") and state.is_typing("web-3")
    clock.now += 7  # the first three ran out: room again
    state.mark("web-4", True)
    assert state.is_typing("web-4")


class Channel:
    """The web chat's socket.io handlers, called as python-socketio would, without a network."""

    def __init__(self):
        self.input = WebChatInput.from_credentials({})
        self.received = []

        async def on_new_message(message):
            self.received.append(message)

        self.input.blueprint(on_new_message)
        self.handlers = self.input.sio.handlers["/"]
        self.confirmed: dict[str, dict] = {}

        async def emit(event, data, room=None, **_):
            if event == "session_confirm":
                self.confirmed[room] = data

        async def room(sid, room):  # the rooms want a real connection; the rules are what is tested here
            pass

        self.input.sio.emit = emit
        self.input.sio.enter_room = self.input.sio.leave_room = room

    def call(self, event: str, sid: str, *args):
        return asyncio.run(self.handlers[event](sid, *args))

    def bind(self, sid: str) -> str:
        """The socket asks for a new conversation; the one it now holds."""
        self.call("connect", sid, {})
        self.call("session_request", sid, {})
        return self.confirmed[sid]["session_id"]


class OpenGate:
    """Lets every message through: the gate's own rules are tested in test_gate.py."""

    def admit(self, text: str, _conversation: str, _address: str) -> str:
        return text


@pytest.fixture
def channel():
    return Channel()


def test_only_the_socket_that_holds_the_conversation_sets_its_typing(channel):
    owner = channel.bind("sid-owner")
    channel.bind("sid-other")
    assert channel.call("user_typing", "sid-owner", {"typing": True}) is None
    assert channel.input.typing.is_typing(owner)
    assert channel.call("user_typing", "sid-other", {"typing": False, "session_id": owner}) == OTHER_SESSION
    assert channel.call("user_typing", "sid-unbound", {"typing": False}) == NO_SESSION
    assert channel.input.typing.is_typing(owner)  # the others changed nothing
    assert channel.received == []  # typing is never a message, so never in the tracker


def test_sending_leaving_or_a_new_conversation_ends_the_typing(channel, monkeypatch):
    monkeypatch.setattr("bot.rasa_plugins.webchat.shared_gate", lambda: OpenGate())
    owner = channel.bind("sid-owner")
    channel.call("user_typing", "sid-owner", {"typing": True})
    assert channel.call("user_uttered", "sid-owner", {"message": "Bent u er nog?"}) is None
    assert not channel.input.typing.is_typing(owner) and channel.received[0].text == "Bent u er nog?"
    channel.call("user_typing", "sid-owner", {"typing": True})
    channel.call("disconnect", "sid-owner")
    assert not channel.input.typing.is_typing(owner)
    again = channel.bind("sid-tab")
    channel.call("user_typing", "sid-tab", {"typing": True})
    channel.call("session_request", "sid-tab", {})  # "Nieuw gesprek"
    assert not channel.input.typing.is_typing(again)


@pytest.mark.parametrize("data", [None, "ja", 1, [True], {}, {"typing": "true"}, {"typing": 1}, {"typing": None},
                                  {"typing": {"nested": True}}, {"message": "hallo"}])  # fmt: skip
def test_a_malformed_typing_event_gets_a_polite_error(channel, data):
    owner = channel.bind("sid-owner")
    assert channel.call("user_typing", "sid-owner", data) == NOT_TYPING
    assert channel.call("user_typing", "sid-owner") == NOT_TYPING  # no data at all
    assert not channel.input.typing.is_typing(owner)


def test_a_socket_that_proves_ownership_again_may_type(channel):
    settings = load_settings()
    owner = channel.bind("sid-first")
    channel.call("connect", "sid-again", {})
    channel.call("session_request", "sid-again", {"session_id": owner,
                                                  "resume_token": resume_token(settings.session_secret, owner)})
    assert channel.confirmed["sid-again"]["session_id"] == owner
    assert channel.call("user_typing", "sid-again", {"typing": True, "session_id": owner}) is None
    assert channel.input.typing.is_typing(owner)


class RecordingSio:
    """Stands in for the socket.io server: keeps what the output channel emits."""

    def __init__(self, sent: list):
        self.sent = sent

    async def emit(self, event, data, room=None, **_):
        self.sent.append(data)


def test_the_reply_that_starts_a_live_chat_is_marked_and_others_are_not():
    sent = []
    output = WebChatOutput(RecordingSio(sent), "bot_uttered", "http://localhost:8000")
    asyncio.run(output.send_response("web-a", {"text": "Een adviseur neemt het over.",
                                               "utter_action": "utter_live_started"}))  # fmt: skip
    asyncio.run(output.send_response("web-a", {"text": "Eerste deel\n\nTweede deel", "utter_action": "utter_greet"}))
    assert sent == [{"text": "Een adviseur neemt het over.", "live": "started"},
                    {"text": "Eerste deel"}, {"text": "Tweede deel"}]  # fmt: skip


def test_a_custom_payload_goes_out_as_one_message_with_its_plain_text():
    sent = []
    output = WebChatOutput(RecordingSio(sent), "bot_uttered", "https://jep.example.nl")
    articles = {"type": "articles", "items": [{"title": "Signalen", "url": "/kennis/signalen"}]}
    asyncio.run(output.send_response("web-a", {"custom": articles}))
    asyncio.run(output.send_response("web-a", {"custom": {"type": "onbekend"}}))
    assert sent == [{"text": "Artikelen bij je vraag:\n- Signalen – https://jep.example.nl/kennis/signalen",
                     "custom": articles}, {"custom": {"type": "onbekend"}}]  # fmt: skip
    assert articles == {"type": "articles", "items": [{"title": "Signalen", "url": "/kennis/signalen"}]}
