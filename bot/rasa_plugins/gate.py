"""The one gate every message from outside passes before Rasa sees it, on both channels.

- Rasa reads a message that starts with "/" as an intent with entities, bypassing
  the NLU and the redaction. From outside only the widget's own quick replies may
  do that: the button payloads in domain.yml, exactly as they stand there. Any
  other "/..." is read as typed text: its leading slashes go (so Rasa never sees
  a command) and the rest is redacted like every message, JSON and all.
- `/message_too_long` and `/rate_limited` stand in for a message that is not
  processed; only this gate produces them.
- The limits (JEP_MESSAGES_PER_MINUTE) hold per conversation, whichever channel
  it comes through, and per client address as a trusted proxy reports it
  (JEP_ADDRESS_MESSAGES_PER_MINUTE), loopback included; with JEP_REDIS_URL they
  hold across the Rasa replicas (bot/ratelimit.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache

import yaml

from bot.client_address import client_address
from bot.config import ROOT, Settings, load_settings
from bot.privacy import redact
from bot.ratelimit import rate_limiter
from bot.services import default_services
from bot.store.retry import StoreUnavailable

log = logging.getLogger(__name__)
MAX_MESSAGE = 1000
TOO_LONG = "/message_too_long"
RATE_LIMITED = "/rate_limited"
SERVER_ONLY = frozenset({TOO_LONG, RATE_LIMITED})
_LEADING_COMMAND = re.compile(r"^[/\s]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def quick_reply_payloads(domain: dict) -> frozenset[str]:
    """The payloads of every button the domain's responses offer."""
    payloads = {
        button["payload"].strip()
        for variations in (domain.get("responses") or {}).values()
        for variation in variations
        for button in variation.get("buttons") or []
        if isinstance(button.get("payload"), str)
    }
    return frozenset(payloads - SERVER_ONLY)


@lru_cache(maxsize=1)
def allowed_payloads() -> frozenset[str]:
    return quick_reply_payloads(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8")))


def typed_text(message: str) -> str:
    """The message as Rasa may read it: a quick reply as it is, anything else as plain text; "" if empty.

    Half an emoji (a lone surrogate) becomes U+FFFD, which every database and log can store.
    """
    text = _SURROGATE.sub("\ufffd", message).replace("\x00", "").strip()
    if text in allowed_payloads():
        return text
    return _LEADING_COMMAND.sub("", text)


class Gate:
    def __init__(self, per_minute: int, address_per_minute: int, park_phone: Callable[[str, str], None],
                 settings: Settings | None = None):  # fmt: skip
        settings = settings or load_settings()  # where the limits count: this process, or Redis
        self.per_conversation = rate_limiter(settings, "gate:conversation", per_minute, max(5, per_minute // 2))
        # The browser tests and the evaluation run many conversations from one address at once.
        self.per_address = rate_limiter(settings, "gate:address", address_per_minute, address_per_minute)
        self.park_phone = park_phone

    @classmethod
    def from_settings(cls, settings: Settings, park_phone: Callable[[str, str], None]) -> Gate:
        return cls(settings.messages_per_minute, settings.address_messages_per_minute, park_phone, settings)

    def admit(self, text: str, conversation_id: str, address: str) -> str:
        """What Rasa may see of a typed_text(): redacted, or a stand-in for a message it must not process."""
        if not self.per_conversation.allow(conversation_id) or not self.per_address.allow(address or "onbekend"):
            return RATE_LIMITED
        if len(text) > MAX_MESSAGE:
            return TOO_LONG
        if text in allowed_payloads():
            return text
        redaction = redact(text)
        phones = [text[f.start : f.end] for f in redaction.found if f.type == "TELEFOON"]
        if phones:
            # The one raw value the product keeps: a callback number, if the assistant just asked for one.
            try:
                self.park_phone(conversation_id, phones[-1])
            except StoreUnavailable:
                # The message still counts; the callback form asks for a number it does not find.
                log.warning("callback number of %s not parked: database locked", conversation_id)
        return redaction.text


@lru_cache(maxsize=1)
def shared_gate() -> Gate:
    """The gate of both channels, so that their limits count together."""
    settings = load_settings()
    return Gate.from_settings(settings, default_services().pending_callbacks.park)


def address_of(request, settings: Settings) -> str:
    """The client's address of a Sanic request; X-Forwarded-For counts only from a trusted proxy."""
    return client_address(request.ip, request.headers.get("x-forwarded-for"), settings.trusted_proxies)
