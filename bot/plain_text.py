"""A payload of the reply contract as plain Dutch text, for clients that cannot show its cards.

A generic Rasa client (rasa-webchat, a python-socketio script, a REST tool)
shows a message's `text` and drops a `custom` it does not know; both channels
send this text in the same message as the payload, so such a client still
reads the answer. Links are absolute (from the public URL), since the text is
read outside our own pages. Only what the payload holds is said: a phone or
website that is null is left out, never guessed. The result is text only.
"""

from __future__ import annotations

from typing import Any

from bot.escalation.tickets import ADVIESLIJN

DASH = " – "
NO_ITEMS = {"articles": "Ik vond geen artikelen bij je vraag.", "providers": "Ik vond geen organisaties bij je vraag."}
HEADINGS = {"articles": "Artikelen bij je vraag:", "providers": "Organisaties die je kunnen helpen:"}
TO_PERSON = {
    "callback": "Een adviseur van Platform JEP belt je terug.",
    "live": "Een adviseur van Platform JEP komt zo in dit gesprek.",
}


def words(value: Any) -> str:
    """A value as one line of text; anything that is not text or a number says nothing."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return " ".join(str(value).split())


def absolute(url: Any, public_url: str) -> str:
    """An http(s) link as it stands; a path of our own pages on the public URL; anything else nothing."""
    url = words(url)
    if url.startswith(("https://", "http://")):
        return url
    if url.startswith("/") and not url.startswith("//"):
        return public_url.rstrip("/") + url
    return ""


def joined(*parts: str) -> str:
    return DASH.join(part for part in parts if part)


def article_line(item: dict, public_url: str) -> str:
    return joined(words(item.get("title")), absolute(item.get("url"), public_url))


def provider_line(item: dict, public_url: str) -> str:
    # Their own website when known, else their page in our "wie doet wat".
    ident = words(item.get("id"))
    page = item.get("page") or (f"/organisaties/{ident}" if ident else "")
    link = absolute(item.get("url"), public_url) or absolute(page, public_url)
    phone = words(item.get("phone"))
    return joined(words(item.get("name")), f"tel. {phone}" if phone else "", link)


def listing(payload: dict, public_url: str) -> str:
    kind = payload["type"]
    line = article_line if kind == "articles" else provider_line
    items = payload.get("items")
    lines = [line(item, public_url) for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    lines = [f"- {text}" for text in lines if text]
    return "\n".join([HEADINGS[kind], *lines]) if lines else NO_ITEMS[kind]


def escalation(payload: dict) -> str:
    phone = words(payload.get("phone")) or ADVIESLIJN
    hours = words(payload.get("hours"))
    when = f" ({hours})" if hours else ""
    if payload.get("reason") == "acute" or payload.get("emergency"):
        emergency = words(payload.get("emergency")) or "112"
        first = f"Is er direct gevaar? Bel {emergency}. Daarna kun je de Advieslijn bellen: {phone}{when}."
    elif payload.get("mode") in TO_PERSON:
        first = f"{TO_PERSON[payload['mode']]} Zelf bellen kan ook: Advieslijn {phone}{when}."
    else:
        state = {True: "nu open", False: "nu gesloten"}.get(payload.get("open_now"))
        said = "; ".join(part for part in (state, hours) if part)
        first = f"Bel de Advieslijn van Platform JEP: {phone}" + (f" ({said})." if said else ".")
    ticket = words(payload.get("ticket"))
    return f"{first}\nKenmerk: {ticket}" if ticket else first


def plain_text(payload: Any, public_url: str) -> str:
    """The payload in plain text; empty for a payload this does not know."""
    kind = payload.get("type") if isinstance(payload, dict) else None
    if kind in HEADINGS:
        return listing(payload, public_url)
    if kind == "escalation":
        return escalation(payload)
    return ""


def custom_message(payload: Any, public_url: str) -> dict:
    """A custom payload as one message, with its plain text beside it when it has one."""
    text = plain_text(payload, public_url)
    return {"text": text, "custom": payload} if text else {"custom": payload}
