"""The review queue: what it collects from a real tracker store, dedup, and decisions that stick."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine

from bot.store import Escalation, Feedback, make_engine, make_sessionmaker, unit_of_work
from bot.training.review import ReviewQueue

START = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def parse(intent: str, confidence: float, ranking: list | None = None) -> dict:
    return {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking or []}


@pytest.fixture
def queue(tmp_path):
    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "tracker.db"))

    def conversation(sender: str, messages: list[tuple[str, dict]]) -> None:
        events = [ActionExecuted("action_listen", timestamp=START.timestamp())]
        for minute, (text, data) in enumerate(messages, start=1):
            at = (START + timedelta(minutes=minute)).timestamp()
            events.append(UserUttered(text, data["intent"], parse_data=data, timestamp=at))
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))

    fallback = parse("nlu_fallback", 0.5, [{"name": "nlu_fallback", "confidence": 0.5},
                                           {"name": "ask_hours", "confidence": 0.31}])  # fmt: skip
    conversation("a", [("hallo", parse("greet", 0.99)), ("Kost  een training geld?", parse("ask_platform", 0.42))])
    conversation("b", [("kost een training geld?", parse("ask_platform", 0.38)), ("wanneer open", fallback)])
    conversation("c", [("mijn buurjongen Sven praat raar", parse("describe_concern", 0.9)),
                       ("ok", parse("affirm", 0.97))])  # fmt: skip
    conversation("d", [("wat doen jullie eigenlijk", parse("ask_platform", 0.93)), ("/rate_limited", parse("x", 0.1))])
    factory = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'jep.db'}"))
    with unit_of_work(factory) as session:
        naive = (START + timedelta(minutes=1, seconds=30)).replace(tzinfo=None)
        session.add_all([
            Escalation(ticket="E-1", reason="low_confidence", mode="phone", conversation_id="c", created_at=naive),
            Escalation(ticket="E-2", reason="user_request", mode="phone", conversation_id="a", created_at=naive),
            Feedback(conversation_id="d", rating="down", query="wat doen jullie", created_at=naive),
            Feedback(conversation_id="zonder-gesprek", rating="down", query="help bij  ouders", created_at=naive),
            Feedback(conversation_id="a", rating="up", query="hallo", created_at=naive),
        ])  # fmt: skip
    return ReviewQueue(factory, create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True))


def test_collects_poorly_handled_messages_once_each(queue):
    found = {c.text.lower(): c for c in queue.collect()}
    assert set(found) == {
        "kost een training geld?",  # low confidence, twice (case and spacing differ)
        "wanneer open",  # nlu_fallback
        "mijn buurjongen [naam] praat raar",  # before a low_confidence escalation, redacted again
        "wat doen jullie eigenlijk",  # just before a thumbs down
        "help bij ouders",  # thumbs down without a stored conversation: the rating's query
    }
    assert found["kost een training geld?"].count == 2
    assert found["wanneer open"].predicted_intent == "ask_hours" and found["wanneer open"].why == {"nlu_fallback"}
    assert found["mijn buurjongen [naam] praat raar"].why == {"escalation"}


def test_a_decided_message_is_not_shown_again(queue):
    assert queue.refresh() == 5
    first = queue.items()[0]
    assert first.text.lower() == "kost een training geld?" and first.count == 2
    queue.decide(first.id, "rejected", "tester")
    assert queue.refresh() == 0
    assert first.id not in {item.id for item in queue.items()}
    with pytest.raises(ValueError):
        queue.decide(first.id, "accepted", "tester", "ask_platform")
    other = queue.items()[0]
    queue.decide(other.id, "needs_article", "tester")
    assert [item.text for item in queue.items("needs_article")] == [other.text]
