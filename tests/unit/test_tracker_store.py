"""The tracker store takes one URL, keeps SQLite in WAL mode without an fsync per commit, and reuses connections."""

import asyncio

from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event

from bot.rasa_plugins.tracker_store import UrlSQLTrackerStore


def test_sqlite_store_saves_and_reads_back_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'tracker.db'}"
    store = UrlSQLTrackerStore(url=url)
    tracker = DialogueStateTracker.from_events(
        "gesprek-1", [ActionExecuted("action_listen"), UserUttered("hallo", {"name": "greet", "confidence": 0.9})]
    )
    asyncio.run(store.save(tracker))

    again = asyncio.run(UrlSQLTrackerStore(url=url).retrieve("gesprek-1"))
    assert again.latest_message.text == "hallo"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_turns_reuse_pooled_connections_instead_of_opening_the_file_each_time(tmp_path):
    store = UrlSQLTrackerStore(url=f"sqlite:///{tmp_path / 'tracker.db'}")
    opened = []
    event.listen(store.engine, "connect", lambda *_: opened.append(1))
    for turn in range(5):
        tracker = asyncio.run(store.get_or_create_tracker("gesprek-2"))
        tracker.update(UserUttered(f"vraag {turn}", {"name": "ask_knowledge", "confidence": 0.9}))
        asyncio.run(store.save(tracker))

    assert len(opened) <= 1
    again = asyncio.run(store.retrieve("gesprek-2"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [f"vraag {t}" for t in range(5)]
