"""Who may name which conversation.

A web chat conversation gets its id from the server: `web-` and 32 random hex
digits (128 bits). With it comes a resume token, an HMAC of the id with the
server's secret (JEP_SESSION_SECRET), that the widget keeps for its tab and
shows to rejoin after a reload or to rate an answer: an id someone saw or
guessed opens nothing without it. REST clients name their own conversation,
in a small charset and never in the web chat's namespace, so a REST post
cannot write into someone's web chat.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

WEBCHAT_PREFIX = "web-"
_WEBCHAT_ID = re.compile(r"web-[0-9a-f]{32}")
MAX_SENDER = 64
_SENDER = re.compile(rf"[A-Za-z0-9_.:-]{{1,{MAX_SENDER}}}")
_TOKEN = re.compile(r"[0-9a-f]{64}")


def new_webchat_id() -> str:
    return WEBCHAT_PREFIX + secrets.token_hex(16)


def is_webchat_id(value: object) -> bool:
    return isinstance(value, str) and _WEBCHAT_ID.fullmatch(value) is not None


def resume_token(secret: str, conversation_id: str) -> str:
    return hmac.new(secret.encode(), conversation_id.encode(), hashlib.sha256).hexdigest()


def proves_ownership(secret: str, conversation_id: object, token: object) -> bool:
    """True when the token is the one the server issued with this web chat id."""
    if not is_webchat_id(conversation_id) or not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return False
    return hmac.compare_digest(token, resume_token(secret, conversation_id))


def sender_problem(sender: object) -> str | None:
    """Why a REST client's sender id is refused, in Dutch; None when it is fine."""
    if not isinstance(sender, str) or not sender:
        return "Geef een afzender op: het veld 'sender' met tekst."
    if not _SENDER.fullmatch(sender):
        return f"De afzender mag hooguit {MAX_SENDER} tekens hebben: letters, cijfers en _ . : -"
    if sender.casefold().startswith(WEBCHAT_PREFIX):
        return f"Een afzender mag niet met '{WEBCHAT_PREFIX}' beginnen: die gesprekken zijn van de chatwidget."
    return None
