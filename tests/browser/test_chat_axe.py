"""Issue 22 item 7: axe-core (from npm, `make axe`) finds no WCAG 2.1 A/AA violation on the chat at 375 and
1280 px: empty with its welcome, and with article, provider and escalation cards (an acute one with 112).
The check that a link's name holds its visible text (2.5.3, an axe rule still marked experimental) runs
explicitly: it once failed on the Advieslijn link."""

from __future__ import annotations

from tests.browser.conftest import ask
from tests.browser.test_knowledge_pages import AXE, axe_violations

NAME_HOLDS_TEXT = "label-content-name-mismatch"


def name_mismatches(page) -> list[str]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async rule => (await axe.run(document, {runOnly: {type: 'rule', values: [rule]}})).violations
            .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""",
        NAME_HOLDS_TEXT,
    )


def test_the_empty_chat_passes_axe(chat):
    assert chat.locator(".jep-welcome").is_visible()
    assert axe_violations(chat) == []
    assert name_mismatches(chat) == []


def test_the_chat_with_article_provider_and_escalation_cards_passes_axe(chat):
    ask(chat, "Hoe herken ik online radicalisering?")
    chat.locator(".jep-cards .jep-card").first.wait_for()
    ask(chat, "Welke organisaties kunnen mij ondersteunen?")
    chat.locator(".jep-cards").nth(1).wait_for()
    more = chat.locator(".jep-more")
    if more.count():
        more.first.click()  # the cards behind "Meer resultaten" too
    ask(chat, "Ik wil graag een adviseur spreken")
    chat.locator(".jep-escalation").first.wait_for()
    ask(chat, "Een leerling dreigt morgen een aanslag te plegen op school")
    chat.locator(".jep-escalation .jep-emergency").first.wait_for()
    assert chat.locator(".jep-card").count() >= 4
    assert axe_violations(chat) == []
    assert name_mismatches(chat) == []
    # The Advieslijn link: its name begins with what it shows.
    advieslijn = chat.locator(".jep-escalation a[href='tel:0703334558']").first
    assert advieslijn.get_attribute("aria-label").startswith(advieslijn.inner_text())
