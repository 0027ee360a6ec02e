"""The words an escalation is stored with, each spelled once: its reason and its mode (its status
is bot.store.words.EscalationStatus), with the labels the advisors read."""

from __future__ import annotations

from bot.store.words import EscalationStatus, Word


class Reason(Word):
    # In this order in the figures' CSV columns (bot/escalation/figures.py).
    USER_REQUEST = "user_request"
    LOW_CONFIDENCE = "low_confidence"
    ACUTE = "acute"
    COMPLEX_CASE = "complex_case"
    NEGATIVE_FEEDBACK = "negative_feedback"


class Mode(Word):
    PHONE = "phone"
    CALLBACK = "callback"
    LIVE = "live"


# Still with the advisors: the inbox, and the one open escalation a conversation may have.
OPEN_STATUSES = (EscalationStatus.OPEN.value, EscalationStatus.CLAIMED.value)
REASONS = tuple(reason.value for reason in Reason)
MODES = tuple(mode.value for mode in Mode)

# Keyed by the plain words: the rows come from the database as `str`. Acute first, as in the inbox.
REASON_LABELS = {
    Reason.ACUTE.value: "Acuut gevaar",
    Reason.USER_REQUEST.value: "Vraagt om een adviseur",
    Reason.LOW_CONFIDENCE.value: "Assistent begreep de vraag niet",
    Reason.COMPLEX_CASE.value: "Complexe casus",
    Reason.NEGATIVE_FEEDBACK.value: "Niet geholpen met het antwoord",
}
MODE_LABELS = {
    Mode.PHONE.value: "Belt de Advieslijn",
    Mode.CALLBACK.value: "Wil teruggebeld worden",
    Mode.LIVE.value: "Wacht in de chat",
}

# Which earlier reasons a new one replaces: acute beats everything, and the professional
# asking for a person outweighs the assistant's own doubts or a thumbs-down.
OUTRANKS = {
    Reason.ACUTE.value: frozenset(REASONS) - {Reason.ACUTE.value},
    Reason.USER_REQUEST.value: frozenset({Reason.LOW_CONFIDENCE.value, Reason.NEGATIVE_FEEDBACK.value}),
}
