"""Twenty-odd XSS and injection inputs, sent through the chat and opened in the
advisors' views: they are stored as text and render inert everywhere. Intents
typed as `/intent{...}` from outside are text too: no ticket, no such intent."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import create_engine, inspect, text

from bot.advisors.accounts import AccountService
from bot.store import make_engine, make_sessionmaker
from tests.browser.chat_client import ChatClient
from tests.browser.helpers import signed_in, user_events
from tests.browser.test_escalation_paths import escalation_of

PASSWORD = "nog-een-lang-proefwachtwoord"
ATTACKS = [
    "<script>window.__pwned='script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<svg onload=\"window.__pwned='svg'\">",
    "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe>",
    "<a href=\"javascript:window.__pwned='a'\">klik</a>",
    "<body onload=\"window.__pwned='body'\">",
    "<details open ontoggle=\"window.__pwned='details'\">",
    "<input autofocus onfocus=\"window.__pwned='input'\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned='math'\">",
    "\"><script>window.__pwned='attr'</script>",
    "'><img src=x onerror=window.__pwned='quote'>",
    "<scr<script>ipt>window.__pwned='nested'</scr</script>ipt>",
    "javascript:window.__pwned='url'",
    "<object data=\"javascript:window.__pwned='object'\"></object>",
    "<embed src=\"javascript:window.__pwned='embed'\">",
    "<style>@import 'javascript:alert(1)';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=\'meta\'">',
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "'; DROP TABLE escalations; --",
    '" OR "1"="1',
    "1; DELETE FROM events WHERE 1=1",
    "Robert'); DROP TABLE advisors;--",
    "%3Cscript%3Ewindow.__pwned='encoded'%3C/script%3E",
    '<form action="https://kwaadwillend.example"><button>inloggen</button></form>',
]


def test_injections_render_inert_in_the_chat_and_in_the_advisor_views(browser, stack, page):
    tickets = []
    for start in range(0, len(ATTACKS), 8):  # eight per conversation stays under the rate limit
        sender = f"injectie-proef-{start}"
        for attack in [*ATTACKS[start : start + 8], "Ik wil een adviseur spreken"]:
            reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": attack}, timeout=60)  # fmt: skip
            assert reply.ok
        tickets.append(escalation_of(stack, sender).ticket)
    names = set(inspect(create_engine(stack.db_url)).get_table_names())
    assert {"escalations", "advisors", "articles"} <= names  # the tables the attacks named are all still there
    assert "events" in inspect(create_engine(stack.tracker_db_url)).get_table_names()

    AccountService(make_sessionmaker(make_engine(stack.db_url))).add("adviseur.injectie", PASSWORD)
    advisor = browser.new_context().new_page()
    signed_in(advisor, stack.web_url, "adviseur.injectie", PASSWORD, start="/adviseurs/login")
    for view in [*(f"/adviseurs/escalaties/{ticket}" for ticket in tickets), "/adviseurs"]:
        advisor.goto(stack.web_url + view)
        advisor.wait_for_timeout(500)
        assert advisor.evaluate("() => window.__pwned") is None
        injected = advisor.locator("main script, main img, main svg, main iframe, main object, main embed, "
                                   "main details, main input:not([type=hidden]):not([name]), main meta")  # fmt: skip
        assert injected.count() == 0
    shown = ""
    for ticket in tickets:
        advisor.goto(f"{stack.web_url}/adviseurs/escalaties/{ticket}")
        shown += advisor.inner_text("main")
    assert "DROP TABLE escalations" in shown and "<script>" in shown  # shown as the text that was typed
    api = advisor.request.get(f"{stack.web_url}/api/escalations/{tickets[0]}").json()
    assert any("<script>" in (line.get("text") or "") for line in api["transcript"])  # JSON keeps it as data

    for attack in ATTACKS[:8]:  # and in the professional's own widget
        page.fill("#jep-input", attack)
        page.keyboard.press("Enter")
    page.wait_for_timeout(2000)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator(".jep-messages script, .jep-messages img, .jep-messages svg, .jep-messages iframe").count() == 0
    advisor.context.close()


INJECTED = {
    "acute_danger": "/acute_danger",
    "restart": "/restart",
    "rate_limited": "/rate_limited",
    "request_human": '/request_human{"topic": "<img src=x onerror=\\"window.__pwned=1\\">"}',
}


def stored_intents(stack, conversation_id: str) -> set[str]:
    return set(user_events(stack, conversation_id, "intent_name"))


def tickets(stack, conversation_id: str) -> int:
    with create_engine(stack.db_url).connect() as connection:
        return connection.execute(
            text("SELECT count(*) FROM escalations WHERE conversation_id = :s"), {"s": conversation_id}
        ).scalar_one()


@pytest.mark.parametrize("intent", INJECTED, ids=INJECTED.keys())
def test_an_intent_typed_from_outside_is_text_and_makes_no_ticket(stack, intent):
    sender = f"injectie-intent-{intent}"
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": INJECTED[intent]}, timeout=60)  # fmt: skip
    assert reply.ok
    chat = ChatClient(stack)
    try:
        chat.request_session()
        chat.say(INJECTED[intent])
    finally:
        chat.close()
    for conversation in (sender, chat.session_id):
        intents = stored_intents(stack, conversation)
        assert intents and intent not in intents, intents
        assert tickets(stack, conversation) == 0


def test_the_widgets_own_quick_replies_still_work(stack):
    sender = "injectie-knop"
    reply = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": "/request_human"}, timeout=60)  # fmt: skip
    assert reply.ok
    assert stored_intents(stack, sender) == {"request_human"}
