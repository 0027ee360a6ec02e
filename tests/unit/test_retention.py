"""Purge and erase on databases that hold both old and new data."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, select, text

from bot.privacy.retention import Retention
from bot.store import Escalation, Feedback, PendingCallback, ReviewItem, make_engine, make_sessionmaker, unit_of_work

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture
def databases(tmp_path):
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "tracker.db"))

    def conversation(sender: str, age_days: float) -> None:
        at = days_ago(age_days).timestamp()
        events = [
            ActionExecuted("action_listen", timestamp=at),
            UserUttered("hoe herken ik signalen", {"name": "ask_knowledge"}, timestamp=at + 1),
            BotUttered("Hier zijn artikelen.", timestamp=at + 2),
        ]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))

    conversation("oud", 45)
    conversation("recent", 2)
    conversation("oud-met-open-escalatie", 60)
    conversation("oud-met-verlopen-escalatie", 200)
    factory = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'jep.db'}"))
    with unit_of_work(factory) as session:
        naive = lambda days: days_ago(days).replace(tzinfo=None)  # noqa: E731
        session.add_all([
            Escalation(ticket="E-1", reason="user_request", mode="phone", conversation_id="oud-met-open-escalatie",
                       status="open", created_at=naive(60)),
            Escalation(ticket="E-2", reason="acute", mode="phone", conversation_id="oud-met-verlopen-escalatie",
                       status="closed", created_at=naive(200), closed_at=naive(120)),
            Escalation(ticket="E-3", reason="user_request", mode="phone", conversation_id="recent",
                       status="closed", created_at=naive(10), closed_at=naive(9)),
            Feedback(conversation_id="oud", rating="down", created_at=naive(45)),
            Feedback(conversation_id="recent", rating="up", created_at=naive(2)),
            PendingCallback(conversation_id="recent", phone="0612345678", asked_at=naive(5 / 1440)),  # 5 minutes
            PendingCallback(conversation_id="oud", phone="0687654321", asked_at=naive(45)),
            ReviewItem(key="oud bericht", text="oud bericht", why="nlu_fallback", seen_at=naive(45)),
            ReviewItem(key="nieuw bericht", text="nieuw bericht", why="nlu_fallback", seen_at=naive(1)),
        ])  # fmt: skip
    retention = Retention(factory, create_engine(tracker_url, future=True), 30, 90, clock=lambda: NOW)
    return retention, factory, create_engine(tracker_url, future=True)


def senders(tracker) -> set[str]:
    with tracker.connect() as connection:
        return set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())


def test_purge_removes_exactly_what_has_expired(databases):
    retention, factory, tracker = databases
    report = retention.purge()
    assert senders(tracker) == {"recent", "oud-met-open-escalatie"}
    assert report.conversations == 2 and report.events == 6
    with unit_of_work(factory) as session:
        assert set(session.execute(select(Escalation.ticket)).scalars()) == {"E-1", "E-3"}
        assert set(session.execute(select(Feedback.conversation_id)).scalars()) == {"recent"}
        assert set(session.execute(select(PendingCallback.conversation_id)).scalars()) == {"recent"}
        assert set(session.execute(select(ReviewItem.key)).scalars()) == {"nieuw bericht"}
    assert report.escalations == 1 and report.feedback == 1
    assert retention.purge().events == 0  # nothing left to purge: idempotent


def test_erase_removes_one_conversation_from_every_table(databases):
    retention, factory, tracker = databases
    report = retention.erase("recent")
    assert report.events == 3 and report.escalations == 1 and report.feedback == 1
    assert "recent" not in senders(tracker)
    assert senders(tracker) == {"oud", "oud-met-open-escalatie", "oud-met-verlopen-escalatie"}
    with unit_of_work(factory) as session:
        assert session.execute(select(Escalation).where(Escalation.conversation_id == "recent")).first() is None
        assert session.get(PendingCallback, "recent") is None


def test_purge_before_any_conversation_exists(tmp_path):
    factory = make_sessionmaker(make_engine("sqlite://"))
    empty = create_engine(f"sqlite:///{tmp_path / 'leeg.db'}", future=True)
    assert Retention(factory, empty, 30, 90).purge().conversations == 0
