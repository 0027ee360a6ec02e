"""The rollup reads what Rasa's own SQL tracker store writes: payloads, response names and slots."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, select

from bench.insights_data import articles, escalation
from bot.insights.rollup import Rollup
from bot.insights.tables import InsightDay, InsightFacet
from bot.store import make_engine, make_sessionmaker, unit_of_work

DAY = date(2026, 3, 2)


def test_a_real_tracker_store_counts_as_expected(tmp_path):
    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "tracker.db"))
    at = datetime(2026, 3, 2, 10, tzinfo=timezone.utc).timestamp()
    events = [
        ActionExecuted("action_listen", timestamp=at),
        UserUttered("hoe herken ik signalen", {"name": "ask_knowledge", "confidence": 0.9}, timestamp=at + 1),
        SlotSet("topic", "signalen", timestamp=at + 2),
        BotUttered(data={"custom": articles("art-1")}, timestamp=at + 3),
        UserUttered("qwrtz", {"name": "nlu_fallback", "confidence": 0.3}, timestamp=at + 4),
        BotUttered("Kun je dat anders zeggen?", metadata={"utter_action": "utter_ask_rephrase"}, timestamp=at + 5),
        BotUttered(data={"custom": escalation("low_confidence", "callback")}, timestamp=at + 6),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events("gesprek-1", events)))
    factory = make_sessionmaker(make_engine("sqlite://"))
    tracker = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True)
    Rollup(factory, tracker, ZoneInfo("Europe/Amsterdam")).update()
    with unit_of_work(factory) as session:
        day = session.get(InsightDay, DAY)
        facets = {(f.kind, f.value): f.count for f in session.execute(select(InsightFacet)).scalars()}
    assert (day.conversations, day.user_turns, day.fallback_turns, day.nlu_fallback_turns) == (1, 2, 1, 1)
    assert (day.escalated, day.uncontained) == (1, 1)
    # "signalen" is no known topic here (no knowledge loaded): counted as "overig", never as typed
    assert facets == {("topic", "overig"): 1, ("article", "art-1"): 1, ("reason", "low_confidence"): 1,
                      ("mode", "callback"): 1}  # fmt: skip
