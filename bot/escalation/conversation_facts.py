"""What an advisor needs to know of a conversation at a glance, read from Rasa's tracker store
(the `events` table): the first question, the topic, work setting and region the assistant
understood (its slots), and the articles and providers it showed (its custom payloads).

The professional's words were redacted by the channel before Rasa stored them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from bot.store.tracker_events import TrackerEvents

SLOTS = ("topic", "setting", "region")
ONE_LINE = 160


@dataclass
class Facts:
    question: str | None = None
    topic: str | None = None
    setting: str | None = None
    region: str | None = None
    articles: list[dict] = field(default_factory=list)  # {"id", "title"}, in the order first shown
    providers: list[dict] = field(default_factory=list)  # {"id", "name"}


def one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= ONE_LINE else line[: ONE_LINE - 1].rstrip() + "…"


class ConversationFacts:
    def __init__(self, tracker: Engine):
        self.events = TrackerEvents(tracker)

    def of(self, conversation_ids: list[str], shown: bool = False) -> dict[str, Facts]:
        """Facts per conversation, in one query; with `shown`, also what the assistant showed."""
        facts = {cid: Facts() for cid in conversation_ids}
        if not conversation_ids:
            return facts
        kinds = ("user", "slot", "bot") if shown else ("user", "slot")
        for event in self.events.read(kinds, conversation_ids):
            _take(facts[event.conversation_id], event.kind, event.event)
        return facts


def _take(facts: Facts, kind: str, event: dict) -> None:
    if kind == "user":
        text = event.get("text") or ""
        # A button's payload ("/request_human{...}") is not a question in the professional's words.
        if facts.question is None and text.strip() and not text.startswith("/"):
            facts.question = one_line(text)
    elif kind == "slot":
        if event.get("name") in SLOTS and (event.get("value") is None or isinstance(event.get("value"), str)):
            setattr(facts, event["name"], event.get("value"))
    else:
        payload = (event.get("data") or {}).get("custom")
        if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
            return
        target, label = {"articles": (facts.articles, "title"), "providers": (facts.providers, "name")}.get(
            payload.get("type"), (None, None)
        )
        if target is None:
            return
        known = {entry["id"] for entry in target}
        for item in payload["items"]:
            if isinstance(item, dict) and item.get("id") and item["id"] not in known:
                target.append({"id": str(item["id"]), label: str(item.get(label) or item["id"])})
                known.add(item["id"])
