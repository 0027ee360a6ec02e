"""A maintainer in a real browser: logs in, accepts a review item into an intent and no longer sees it;
starts a retraining and watches its progress page update itself until the outcome.

Only the web app runs (in a thread, on a free port, with a temporary database and a temporary copy of
data/nlu); the retraining is a stand-in command, so no model is trained.
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import datetime, timezone

import pytest

from bot.advisors.accounts import AccountService
from bot.config import load_settings
from bot.services import build_services
from bot.store import ReviewItem, make_engine, make_sessionmaker, unit_of_work
from bot.training.retrain_job import RetrainJob
from bot.web.app import create_app
from bot.web.maintainers import Maintenance
from tests.browser.conftest import screenshot
from tests.browser.helpers import sign_in
from tests.conftest import copy_training_files, free_port
from tests.integration.conftest import serving

PASSWORD = "een-lang-proefwachtwoord"
TEXT = "geven jullie ook trainingen op locatie"


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return copy_training_files(tmp_path_factory.mktemp("beheer-browser"))


@pytest.fixture(scope="module")
def web(tmp):
    settings = dataclasses.replace(
        load_settings(), db_url=f"sqlite:///{tmp / 'jep.db'}", tracker_db_url=f"sqlite:///{tmp / 'tracker.db'}",
        models_dir=tmp / "models", host="127.0.0.1", rasa_port=free_port(),
    )  # fmt: skip
    factory = make_sessionmaker(make_engine(settings.db_url))
    AccountService(factory).add("beheerder.proef", PASSWORD, role="maintainer")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with unit_of_work(factory) as session:
        session.add(ReviewItem(key=TEXT, text=TEXT, predicted_intent="ask_platform", confidence=0.41,
                               why="low_confidence", count=3, seen_at=now))  # fmt: skip
    command = (sys.executable, "-m", "tests.integration.fake_retrain", str(tmp / "models"), str(tmp / "reports"),
               str(tmp / "go"))  # fmt: skip
    maintenance = Maintenance(tmp / "nlu", tmp / "domain.yml", tmp / "reports", RetrainJob(tmp / "retrain", command))
    app = create_app(settings, build_services(settings, factory), "jep_web_beheer_browser", maintenance)
    with serving(app, free_port()) as base:
        yield base


@pytest.fixture
def maintainer(browser, web, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30000)
    page = context.new_page()
    refused = []  # what the Content-Security-Policy blocked, a script error, or a missing file
    # A missing file is named by its response; the console would also count the favicon nobody asked for.
    page.on("console", lambda message: message.type == "error" and not message.text.startswith("Failed to load")
            and refused.append(message.text))  # fmt: skip
    page.on("pageerror", lambda error: refused.append(str(error)))
    page.on("response", lambda reply: reply.status == 404 and refused.append(reply.url))
    page.goto(f"{web}/beheer")
    page.wait_for_url("**/adviseurs/login?volgende=%2Fbeheer")
    sign_in(page, "beheerder.proef", PASSWORD)
    page.wait_for_url(f"{web}/beheer")  # back where the maintainer was going
    page.get_by_role("link", name="Beheer").click()
    page.wait_for_url(f"{web}/beheer")
    yield page
    if getattr(request.node, "failed", False):
        screenshot(page, f"failed-{request.node.name}")
    context.close()
    assert refused == []


def test_a_maintainer_accepts_a_review_item(maintainer, tmp):
    page = maintainer
    item = page.locator(".review-item", has_text=TEXT)
    item.wait_for()
    assert "lage zekerheid" in item.inner_text() and "0,41" in item.inner_text()
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "beheer-reviewlijst-375px")
    page.set_viewport_size({"width": 1280, "height": 900})
    item.get_by_label("Bestaande intent").select_option("ask_knowledge")
    item.get_by_role("button", name="Accepteren").click()
    page.get_by_text("is toegevoegd als voorbeeld van ask_knowledge").wait_for()
    assert page.locator(".review-item", has_text=TEXT).count() == 0
    assert page.get_by_text("Er staan geen berichten om te beoordelen.").is_visible()
    assert f"- {TEXT}" in (tmp / "nlu" / "knowledge.yml").read_text(encoding="utf-8")


def test_the_progress_of_a_retraining_updates_itself(maintainer, tmp):
    page = maintainer
    page.get_by_role("link", name="Modellen").click()
    page.get_by_role("button", name="Hertrainen").click()
    page.wait_for_url("**/beheer/modellen/hertrainen")
    page.locator("#retrain-steps", has_text="[1/6] Trainingsdata controleren").wait_for()
    (tmp / "go").write_text("", encoding="utf-8")
    page.locator("#retrain-outcome", has_text="is geweigerd; het huidige model blijft actief").wait_for()
    assert page.locator("#retrain-reasons li").all_inner_texts() == ["1 gesprekstest(en) mislukt"]
    assert "klaar in 0m01s" in page.locator("#retrain-steps").inner_text()
    screenshot(page, "beheer-hertraining-1280px")
    page.get_by_role("link", name="Rapport bekijken").click()
    page.get_by_role("heading", name="Hertraining").wait_for()
