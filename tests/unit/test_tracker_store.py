"""The tracker store takes one URL, and keeps SQLite in WAL mode without an fsync per commit."""

import asyncio

from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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
