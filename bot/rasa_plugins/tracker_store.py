"""Rasa's SQL tracker store, configured with one SQLAlchemy URL (JEP_TRACKER_DB_URL).

Rasa's own SQLTrackerStore wants dialect, host, port and db separately; one URL
is what operators have, and it keeps the setting in bot/config.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

from bot.config import load_settings


class UrlSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain=None, url: str | None = None, event_broker=None, **kwargs: Any):
        kwargs.pop("host", None)  # Rasa passes the endpoint's `url` as host
        parsed = make_url(url or load_settings().tracker_db_url)
        if parsed.drivername.startswith("sqlite") and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(
            domain=domain,
            dialect=parsed.drivername,
            host=parsed.host,
            port=parsed.port,
            db=parsed.database,
            username=parsed.username,
            password=parsed.password,
            query=dict(parsed.query) or None,
            event_broker=event_broker,
            **kwargs,
        )
