"""The advisors' inbox and an escalation page at phone and desktop width: axe-core (from npm,
`make axe`) finds no WCAG 2.1 A/AA violation, with a real escalation in the list."""

from __future__ import annotations

import pytest
import requests

from bot.advisors.accounts import AccountService
from bot.store import make_engine, make_sessionmaker
from tests.browser.helpers import signed_in
from tests.browser.test_escalation_paths import escalation_of
from tests.browser.test_knowledge_pages import WIDTHS, axe_violations

PASSWORD = "een-lang-axe-proefwachtwoord"


@pytest.fixture(scope="module")
def ticket(stack) -> str:
    sender = "axe-proef-adviseurs"
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", timeout=60,
                          json={"sender": sender, "message": "Ik wil graag een adviseur spreken"})  # fmt: skip
    assert reply.ok
    AccountService(make_sessionmaker(make_engine(stack.db_url))).add("adviseur.axe", PASSWORD)
    return escalation_of(stack, sender).ticket


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def test_the_inbox_and_an_escalation_pass_axe(browser, stack, ticket, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    context.set_default_timeout(60000)
    page = context.new_page()
    signed_in(page, stack.web_url, "adviseur.axe", PASSWORD)
    page.locator(f"#inbox-list a[href='/adviseurs/escalaties/{ticket}']").wait_for()
    assert axe_violations(page) == []
    page.goto(f"{stack.web_url}/adviseurs/escalaties/{ticket}")
    assert axe_violations(page) == []
    context.close()
