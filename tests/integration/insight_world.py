"""A store for the insights page's tests: the unit tests' conversations with known counts (a canary with a
name, phone number and e-mail among them), four more unanswered ones like it, three more in a later week
(a "< 5" row), a maintainer, an analyst and an advisor; and the web app on it, its gaps grouped without
the embedding model."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine

from bench import insights_data as ev
from bot.advisors.accounts import AccountService
from bot.config import load_settings
from bot.services import build_services
from bot.store import Audience, Topic, make_engine, make_sessionmaker, unit_of_work
from bot.web.app import create_app
from bot.web.insights import InsightCache
from tests.conftest import free_port
from tests.unit.test_insights_output import GroupEmbedder
from tests.unit.test_insights_rollup import known_store, noon

PASSWORD = "een-lang-proefwachtwoord"
PERSONAL = ("Jan Jansen", "0612345678", "jan.jansen@example.nl")
LATER = date(2026, 3, 18)  # a Wednesday two weeks on: three conversations, "< 5"
COLLEAGUES = date(2026, 3, 4)
PERIOD = {"van": "2026-03-01", "tot": "2026-03-31", "per": "week"}
SENDERS = ("a0", "b0", "c0", "d0")  # conversation ids of the store: never on the page


def seed(folder: Path):
    tracker = create_engine(f"sqlite:///{folder / 'tracker.db'}", future=True)
    ev.create_tracker(tracker)
    known_store(tracker)
    ev.insert_events(tracker, [ev.user(f"c{n}", noon(LATER, n * 60), "hoe herken ik signalen") for n in range(3)])
    for n in range(4):  # with the canary's conversation, a group of gaps large enough to be shown
        s, t = f"d{n}", noon(COLLEAGUES, n * 60)
        ev.insert_events(tracker, [ev.user(s, t, "vraag van een collega"), ev.bot(s, t + 1, None, "utter_no_articles")])
    factory = make_sessionmaker(make_engine(f"sqlite:///{folder / 'jep.db'}"))
    with unit_of_work(factory) as session:
        session.add(Topic(id="signalen", label="Signalen herkennen", keywords=["signalen"]))
        session.add(Audience(id="onderwijs", label="Onderwijs", keywords=["school"]))
    accounts = AccountService(factory)
    for name, role in (("mara", "maintainer"), ("ada", "analyst"), ("anna", "advisor")):
        accounts.add(name, PASSWORD, role=role)
    return factory


def insights_app(folder: Path, name: str):
    """The web app on the seeded store in folder; its rollup has not run yet (the page catches it up)."""
    factory = seed(folder)
    settings = dataclasses.replace(
        load_settings(), db_url=f"sqlite:///{folder / 'jep.db'}", tracker_db_url=f"sqlite:///{folder / 'tracker.db'}",
        models_dir=folder / "models", host="127.0.0.1", rasa_port=free_port(),
    )  # fmt: skip
    services = build_services(settings, factory)
    services.insights.clock = lambda: datetime(2026, 3, 25, tzinfo=timezone.utc)  # the store's March is recent
    app = create_app(settings, services, name)
    app.ctx.insight_cache = InsightCache(services, embedder=GroupEmbedder())
    return app, factory
