"""How one Rasa event counts: a user turn, a reply that missed, a payload shown, a topic or setting.

"Not understood" and "nothing found" are read from the reply the assistant gave (Rasa keeps the
response name in the bot event's metadata as `utter_action`), not from the NLU alone: a message the
NLU fell back on may still be answered by the fallback's search. Rasa's own measure, the share of
messages with intent nlu_fallback, is counted beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy import select

from bot.escalation.states import MODES, REASONS
from bot.insights.tables import InsightConversation
from bot.insights.tally import Tally
from bot.knowledge.text import fold, words
from bot.store.models import Audience, Topic
from bot.store.tracker_events import NumberedEvent

NOT_UNDERSTOOD = frozenset({"utter_ask_rephrase", "utter_fallback_advisor"})
NOTHING_FOUND = frozenset({"utter_no_articles", "utter_no_providers"})
SLOT_KINDS = {"topic": "topic", "setting": "setting"}
OTHER = "overig"  # a value that is not a known id is never stored as typed
_ID = re.compile(r"[A-Za-z0-9_-]{1,120}")


def local_day(timestamp: float | None, zone: tzinfo) -> date:
    return datetime.fromtimestamp(timestamp or 0.0, zone).date()


@dataclass
class MissedQuestion:
    """A user message the assistant did not answer: its text is read (and redacted) after the chunk."""

    day: date
    key: str
    why: str
    event_id: int


@dataclass
class EventReader:
    zone: tzinfo
    lexicon: dict[str, dict[str, str]]  # slot kind → folded word → id (slot_lexicon)
    missed: list[MissedQuestion] = field(default_factory=list)

    def apply(self, event: NumberedEvent, key: str, states: dict[str, InsightConversation], tally: Tally) -> None:
        day = local_day(event.timestamp, self.zone)
        state = states.get(key)
        if event.kind == "user":
            if state is None:  # a conversation counts from its first message, not from the greeting
                state = states[key] = InsightConversation(key=key, started=day, seen=[], escalated=False,
                                                          uncontained=False, missed=False)  # fmt: skip
                tally.add(day, "conversations")
            self._user(event, day, state, tally)
        elif state is None:
            return
        elif event.kind == "bot":
            self._bot(event.event, day, key, state, tally)
        elif event.kind == "slot":
            self._slot(event.event, day, state, tally)
        state.last_seen = max(state.last_seen or 0.0, event.timestamp or 0.0)

    def _user(self, event: NumberedEvent, day: date, state: InsightConversation, tally: Tally) -> None:
        tally.add(day, "user_turns")
        intent = ((event.event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "nlu_fallback":
            tally.add(day, "nlu_fallback_turns")
        state.question_id, state.missed = event.id, False

    def _bot(self, event: dict, day: date, key: str, state: InsightConversation, tally: Tally) -> None:
        response = (event.get("metadata") or {}).get("utter_action")
        if response in NOT_UNDERSTOOD or response in NOTHING_FOUND:
            why = "not_understood" if response in NOT_UNDERSTOOD else "nothing_found"
            tally.add(day, f"{why}_turns")
            if not state.missed:  # a turn counts once, however many replies said so
                state.missed = True
                tally.add(day, "fallback_turns")
                if state.question_id is not None:
                    self.missed.append(MissedQuestion(day, key, why, state.question_id))
        custom = (event.get("data") or {}).get("custom")
        if not isinstance(custom, dict):
            return
        kind = custom.get("type")
        if kind in ("articles", "providers"):
            for item in custom.get("items") or []:
                shown = item.get("id") if isinstance(item, dict) else None
                if isinstance(shown, str) and _ID.fullmatch(shown):
                    tally.facet(day, kind[:-1], shown, state)
        elif kind == "escalation":
            self._escalation(custom, day, state, tally)

    def _escalation(self, payload: dict, day: date, state: InsightConversation, tally: Tally) -> None:
        reason, mode = payload.get("reason"), payload.get("mode")
        tally.facet(day, "reason", reason if reason in REASONS else OTHER, state)
        tally.facet(day, "mode", mode if mode in MODES else OTHER, state)
        if not state.escalated:
            state.escalated = True
            tally.add(state.started, "escalated")
        mark_uncontained(state, tally)

    def _slot(self, event: dict, day: date, state: InsightConversation, tally: Tally) -> None:
        kind = SLOT_KINDS.get(event.get("name"))
        value = event.get("value")
        if kind and isinstance(value, str) and value.strip():
            tally.facet(day, kind, self.lexicon[kind].get(fold_value(value), OTHER), state)


def mark_uncontained(state: InsightConversation, tally: Tally) -> None:
    """The conversation needed a person or was rated down: counted once, on the day it started."""
    if not state.uncontained:
        state.uncontained = True
        tally.add(state.started, "uncontained")


def fold_value(value: str) -> str:
    return " ".join(words(fold(value)))


def slot_lexicon(session) -> dict[str, dict[str, str]]:
    """Topic and work setting ids by their folded id, label and keywords: slots hold what the NLU
    extracted, and only a known id is counted by name."""
    lexicon: dict[str, dict[str, str]] = {}
    for kind, model in (("topic", Topic), ("setting", Audience)):
        words_to_id: dict[str, str] = {}
        for row in session.execute(select(model)).scalars():
            for word in [row.id, row.label, *(row.keywords or [])]:
                words_to_id.setdefault(fold_value(word), row.id)
        lexicon[kind] = words_to_id
    return lexicon
