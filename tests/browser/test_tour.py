"""The README's tour: the pages a newcomer sees, photographed by the browser at phone and desktop size.

`make screenshots` sets JEP_SCREENSHOTS=docs/screenshots and so refreshes the committed pictures; in a normal
test run they go to test-artifacts/tour/ (not in git). Each picture is also a check that the page shows
what the tour says it shows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from bot.advisors.accounts import AccountService
from bot.config import ROOT
from bot.store import make_engine, make_sessionmaker
from tests.browser.conftest import ARTIFACTS, ask, wait_online
from tests.browser.test_escalation_paths import escalation_of

PHONE, DESKTOP = {"width": 375, "height": 667}, {"width": 1280, "height": 800}
PASSWORD = "een-lang-tourwachtwoord"


@pytest.fixture(scope="module")
def folder() -> Path:
    chosen = os.environ.get("JEP_SCREENSHOTS")
    path = (ROOT / chosen) if chosen else ARTIFACTS / "tour"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def open_at(browser, stack):
    contexts = []

    def go(size: dict, path: str):
        context = browser.new_context(viewport=size)
        context.set_default_timeout(60000)
        contexts.append(context)
        page = context.new_page()
        page.goto(stack.web_url + path)
        return page

    yield go
    for context in contexts:
        context.close()


def snap(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), animations="disabled", caret="hide")


def test_the_chat(open_at, folder):
    page = open_at(PHONE, "/")
    wait_online(page)
    assert page.locator(".jep-welcome").is_visible()
    snap(page, folder, "chat-welkom-375px")

    page = open_at(DESKTOP, "/")
    wait_online(page)
    ask(page, "Hoe ga ik in gesprek met een jongere die in complottheorieën gelooft?")
    page.locator(".jep-more").first.wait_for()
    page.get_by_text("Helpt dit je verder?").wait_for()
    page.wait_for_timeout(600)  # the log's smooth scroll
    snap(page, folder, "chat-artikelen-1280px")

    page = open_at(PHONE, "/")
    wait_online(page)
    ask(page, "Ik wil graag een adviseur spreken")
    page.locator(".jep-escalation").first.wait_for()
    page.wait_for_timeout(600)
    snap(page, folder, "chat-adviseur-375px")


def test_the_knowledge_base_and_who_does_what(open_at, folder):
    page = open_at(DESKTOP, "/kennis?q=complotdenken")
    assert page.locator(".result").count() >= 1
    snap(page, folder, "kennisbank-zoeken-1280px")
    page = open_at(PHONE, "/organisaties?regio=Zwolle")
    assert page.locator(".provider-card").count() >= 1
    snap(page, folder, "organisaties-zwolle-375px")


def test_the_advisors_inbox(open_at, folder, stack):
    sender = "tour-adviseurs"
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", timeout=60,
                          json={"sender": sender, "message": "Ik wil graag een adviseur spreken"})  # fmt: skip
    assert reply.ok
    ticket = escalation_of(stack, sender).ticket
    AccountService(make_sessionmaker(make_engine(stack.db_url))).add("adviseur.tour", PASSWORD)
    page = open_at(DESKTOP, "/adviseurs/login")
    page.fill("#username", "adviseur.tour")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.locator(f"#inbox-list a[href='/adviseurs/escalaties/{ticket}']").wait_for()
    snap(page, folder, "adviseurs-inbox-1280px")
