"""A socket.io client that talks to the running Rasa server like the widget does, or like an attacker would."""

from __future__ import annotations

import queue
import time

import socketio


class ChatClient:
    def __init__(self, stack, origin: str | None = None):
        self.sio = socketio.Client(reconnection=False)
        self.replies: list[dict] = []
        self._confirmed: queue.Queue = queue.Queue()
        self.sio.on("bot_uttered", self.replies.append)
        self.sio.on("session_confirm", self._confirmed.put)
        # The python client has no websocket library here; long polling goes through the same handlers.
        self.sio.connect(stack.rasa_url, headers={"Origin": origin or stack.web_url}, transports=["polling"])
        self.session_id: str | None = None
        self.token: str | None = None

    def request_session(self, session_id: str | None = None, token: str | None = None) -> str:
        """Asks for a conversation like the widget after a reload; the one the server gave."""
        self.sio.emit("session_request", {"session_id": session_id, "resume_token": token})
        confirmed = self._confirmed.get(timeout=30)
        self.session_id, self.token = confirmed["session_id"], confirmed["resume_token"]
        return self.session_id

    def say(self, message, session_id: str | None = None):
        """Sends a message and waits until the server has handled it; the server's acknowledgement."""
        return self.sio.call("user_uttered", {"message": message, "session_id": session_id or self.session_id},
                             timeout=90)  # fmt: skip

    def texts(self) -> str:
        return " ".join(str(reply.get("text") or "") for reply in self.replies)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.texts():
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not received; got {self.texts()!r}")
            time.sleep(0.1)

    def close(self) -> None:
        self.sio.disconnect()
