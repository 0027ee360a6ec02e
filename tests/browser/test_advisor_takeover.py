"""The whole path in two browsers: a professional asks for a person in the chat,
an advisor logs in, sees the escalation, claims it and replies live; the reply
shows in the professional's chat, and closing hands the chat back to the bot."""
from __future__ import annotations

from bot.advisors.accounts import AccountService
from bot.store import make_engine, make_sessionmaker
from tests.browser.conftest import ask, wait_online
from tests.browser.helpers import signed_in
from tests.browser.test_escalation_paths import escalation_of

PASSWORD = "een-lang-proefwachtwoord"


def test_an_advisor_takes_over_a_chat_live(browser, stack, page):
    AccountService(make_sessionmaker(make_engine(stack.db_url))).add("adviseur.proef", PASSWORD)
    advisor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    advisor_context.set_default_timeout(60000)
    advisor = advisor_context.new_page()
    signed_in(advisor, stack.web_url, "adviseur.proef", PASSWORD)

    wait_online(page)
    # A typed "chatten" now starts the live chat itself; the button path starts from a plain request.
    ask(page, "Ik wil graag een adviseur spreken")
    page.get_by_role("button", name="Chat nu met een adviseur").last.click()
    page.get_by_text("neemt het gesprek zo van me over").wait_for()
    session_id = page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat')).session")
    ticket = escalation_of(stack, session_id).ticket

    # The inbox updates by itself; the live escalation appears without a reload.
    # In the list; the live-chat banner above it links to the same escalation.
    link = advisor.locator(f"#inbox-list a[href='/adviseurs/escalaties/{ticket}']")
    link.wait_for(timeout=20000)
    link.click()
    advisor.get_by_role("button", name="Oppakken").click()
    advisor.fill("#reply-text", "Goedemiddag, u spreekt met een adviseur van de Advieslijn. Waar kan ik bij helpen?")
    advisor.get_by_role("button", name="Versturen").click()
    advisor.wait_for_url("**#antwoord")

    page.locator(".jep-advisor", has_text="Waar kan ik bij helpen?").wait_for()
    page.fill("#jep-input", "Een leerling zegt dat geweld soms nodig is.")
    page.keyboard.press("Enter")
    # The escalation page of a live chat refreshes its transcript by itself.
    advisor.get_by_text("Een leerling zegt dat geweld soms nodig is.").wait_for()
    assert advisor.locator(".line.adviseur", has_text="Waar kan ik bij helpen?").count() == 1

    advisor.get_by_role("button", name="Sluiten").click()
    page.get_by_text("De adviseur heeft het gesprek afgesloten").wait_for()
    ask(page, "Hoe herken ik signalen van radicalisering?")
    page.locator(".jep-card").last.wait_for()
    advisor.context.close()
