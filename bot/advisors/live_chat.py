"""An advisor's part in a live chat: answering in it, and closing it, which hands the
conversation back to the bot. The escalation's rules are the inbox's (bot/escalation/lifecycle.py);
the words reach the professional through the relay (bot/escalation/relay.py)."""

from __future__ import annotations

from bot.advisors.canned_replies import CannedReplies
from bot.escalation.relay import LiveRelay
from bot.escalation.service import EscalationService

MAX_REPLY = 2000


class NothingToSay(ValueError):
    """A reply without words; the message is Dutch, for the advisor."""

    def __init__(self):
        super().__init__("Typ eerst een bericht.")


class LiveChat:
    def __init__(self, escalation: EscalationService, relay: LiveRelay, canned: CannedReplies):
        self.escalation = escalation
        self.relay = relay
        self.canned = canned

    def close(self, ticket: str, advisor: str, lead: bool = False) -> None:
        """Closes the escalation; a live chat goes back to the bot (raises RelayError if the chat is unreachable)."""
        self.escalation.close(ticket, advisor, lead=lead)
        item = self.escalation.get(ticket)
        if item["mode"] == "live":
            self.relay.hand_back(item["conversation_id"])

    def reply(self, ticket: str, advisor: str, text: str, canned: str = "", lead: bool = False) -> None:
        """The advisor's words, or a canned reply (its number), in a claimed live chat they may answer in."""
        text = text.strip()
        if not text and canned.isdigit() and len(canned) < 10:
            text = self.canned.text_of(int(canned)) or ""
        conversation = self.escalation.live_conversation(ticket, advisor, lead)
        if not text:
            raise NothingToSay()
        self.relay.say(conversation, text[:MAX_REPLY])

    def typing(self, conversation_id: str) -> bool:
        """Whether the professional is typing; the chat's word for it, or no."""
        return self.relay.typing(conversation_id)
