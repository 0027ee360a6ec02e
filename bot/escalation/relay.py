"""The advisors' web app speaks in a live conversation through the Rasa server's
web-chat channel (bot/rasa_plugins/webchat.py, route /webhooks/webchat/relay), and asks it
whether the professional is typing (route /webhooks/webchat/typing)."""

from __future__ import annotations

import requests


class RelayError(RuntimeError):
    pass


class LiveRelay:
    def __init__(self, rasa_url: str, token: str, timeout: float = 10.0):
        self.url = f"{rasa_url}/webhooks/webchat/relay"
        self.typing_url = f"{rasa_url}/webhooks/webchat/typing"
        self.token = token
        self.timeout = timeout

    def say(self, conversation_id: str, text: str) -> None:
        self._post({"session_id": conversation_id, "text": text})

    def hand_back(self, conversation_id: str) -> None:
        """The bot takes the conversation back (ConversationResumed)."""
        self._post({"session_id": conversation_id, "resume": True})

    def typing(self, conversation_id: str) -> bool:
        """Whether the professional is typing; when the chat cannot say, they are not (it is only a courtesy)."""
        try:
            reply = requests.get(self.typing_url, params={"session_id": conversation_id}, timeout=2,
                                 headers={"Authorization": f"Bearer {self.token}"})  # fmt: skip
            return reply.ok and reply.json().get("typing") is True
        except (requests.RequestException, ValueError, AttributeError):
            return False

    def _post(self, body: dict) -> None:
        try:
            reply = requests.post(
                self.url, json=body, headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise RelayError("De chat is niet bereikbaar; probeer het zo opnieuw.") from error
        if not reply.ok:
            raise RelayError(
                "Het bericht kon niet worden afgeleverd; de professional heeft de chat misschien gesloten."
            )
