"""Two advisors and a professional, in office hours (the stack is open every moment): a live
escalation appears in both inboxes with a browser notification (the Notification API observed
in the page), advisor A claims it and hands it to B, B sends a canned reply the professional
sees; the professional types and B's page shows it; B ends the chat, the professional rates it
with the keyboard, the rating shows on the escalation page, and the assistant answers again."""
from __future__ import annotations

from bot.advisors.accounts import AccountService
from bot.store import make_engine, make_sessionmaker
from tests.browser.conftest import ask, wait_online
from tests.browser.helpers import signed_in
from tests.browser.test_escalation_paths import escalation_of

PASSWORD = "een-lang-proefwachtwoord"
# Records every notification the page shows, then lets the browser show it as usual.
OBSERVE_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  window.__notifications = [];
  function Observed(title, options) {
    window.__notifications.push({ title: title, body: (options || {}).body });
    return new Real(title, options);
  }
  Object.defineProperty(Observed, "permission", { get: () => Real.permission });
  Observed.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Observed;
})();
"""


def signed_in_advisor(browser, stack, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60000)
    context.grant_permissions(["notifications"], origin=stack.web_url)
    context.add_init_script(OBSERVE_NOTIFICATIONS)
    advisor = context.new_page()
    signed_in(advisor, stack.web_url, name, PASSWORD)
    advisor.get_by_role("button", name="Meldingen en geluid aanzetten").click()
    advisor.get_by_role("button", name="Meldingen en geluid staan aan").wait_for()
    # The first look at the inbox is what is already there; only what comes after is new work.
    advisor.wait_for_function("() => document.getElementById('inbox-updated').textContent !== ''")
    return advisor


def test_two_advisors_hand_over_a_live_chat_and_answer_with_a_canned_reply(browser, stack, page):
    accounts = AccountService(make_sessionmaker(make_engine(stack.db_url)))
    for name in ("werkbank.a", "werkbank.b"):
        accounts.add(name, PASSWORD)
    first, second = signed_in_advisor(browser, stack, "werkbank.a"), signed_in_advisor(browser, stack, "werkbank.b")

    wait_online(page)
    ask(page, "Ik wil graag een adviseur spreken")
    page.get_by_role("button", name="Chat nu met een adviseur").last.click()
    page.get_by_text("neemt het gesprek zo van me over").wait_for()
    ticket = escalation_of(stack, page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat')).session")).ticket

    for advisor in (first, second):
        advisor.locator(f"#inbox-list a[href='/adviseurs/escalaties/{ticket}']").wait_for(timeout=20000)
        advisor.wait_for_function(
            "ticket => window.__notifications.some(n => n.title.includes(ticket))", arg=ticket, timeout=20000
        )
        assert ticket in advisor.locator("#live-banner").inner_text()
        assert advisor.title().startswith("(")  # the number waiting
    shown = first.evaluate("() => window.__notifications")
    assert not any("adviseur spreken" in (n["body"] or "") for n in shown)  # no message text on a lock screen

    first.locator(f"#inbox-list a[href='/adviseurs/escalaties/{ticket}']").click()
    first.get_by_role("heading", name="Overdracht").wait_for()
    first.get_by_role("button", name="Oppakken").click()
    first.select_option("#colleague", "werkbank.b")
    first.get_by_role("button", name="Overdragen").click()
    first.get_by_text("In behandeling bij werkbank.b sinds").wait_for()
    assert first.get_by_role("button", name="Versturen").count() == 0

    second.goto(f"{stack.web_url}/adviseurs/escalaties/{ticket}")
    second.get_by_text("overgedragen aan werkbank.b").wait_for()
    second.select_option("#canned", label="Begroeting")
    assert "Fijn dat je contact zoekt" in second.input_value("#reply-text")
    second.get_by_role("button", name="Versturen").click()
    second.wait_for_url("**#antwoord")
    page.locator(".jep-advisor", has_text="Fijn dat je contact zoekt").wait_for()

    typing = second.locator("#professional-typing")
    assert typing.get_attribute("aria-live") == "polite" and typing.inner_text() == ""
    page.locator("#jep-input").press_sequentially("Een leerling van mij", delay=80)
    second.locator("#professional-typing", has_text="De professional typt…").wait_for(timeout=15000)
    page.locator("#jep-input").press("Enter")
    second.locator("#gesprek", has_text="Een leerling van mij").wait_for(timeout=15000)
    second.wait_for_function("() => document.getElementById('professional-typing').textContent === ''")
    assert page.locator(".jep-typing").is_hidden()  # the advisor answers now, not the assistant

    second.get_by_role("button", name="Sluiten").click()
    page.get_by_text("De adviseur heeft het gesprek afgesloten").wait_for()
    question = page.get_by_role("group", name="Hoe heeft het gesprek met de adviseur je geholpen?")
    question.get_by_role("button", name="Goed geholpen").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Bedankt voor je beoordeling.").wait_for()
    second.goto(f"{stack.web_url}/adviseurs/escalaties/{ticket}")
    assert second.locator("#live-rating").inner_text() == "Goed geholpen"
    ask(page, "Hoe herken ik signalen van radicalisering?")
    page.locator(".jep-card").last.wait_for()
    first.context.close()
    second.context.close()
