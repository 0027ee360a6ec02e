"""The chat widget in a real Chromium against the real stack."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from tests.browser.conftest import XSS_ARTICLE, ask, screenshot, wait_online


def test_a_knowledge_question_shows_article_cards(page, stack):
    ask(page, "Hoe ga ik in gesprek met een jongere die in complottheorieën gelooft?")
    cards = page.locator(".jep-card")
    cards.first.wait_for()
    assert cards.count() >= 1
    more = page.locator(".jep-card a", has_text="Lees meer").first
    assert more.get_attribute("href").startswith(f"{stack.web_url}/kennis/")
    more.click()
    page.wait_for_selector("article.article h1")
    assert page.url.startswith(f"{stack.web_url}/kennis/")


def test_a_provider_card_links_to_its_page_on_this_site(page, stack):
    ask(page, "Welke organisatie kan ouders steunen?")
    page.locator(".jep-card").first.wait_for()
    more = page.locator(".jep-card a", has_text="Meer over deze organisatie").first
    assert more.get_attribute("href").startswith(f"{stack.web_url}/organisaties/")


def test_asking_for_a_person_shows_the_advieslijn_with_a_tel_link(page):
    ask(page, "Ik wil graag een adviseur spreken")
    card = page.locator(".jep-escalation")
    card.wait_for()
    tel = card.locator("a[href^='tel:']").first
    assert tel.get_attribute("href") == "tel:0703334558"
    assert "070 333 45 58" in tel.inner_text()
    assert "Nu open · maandag t/m zondag 00:00–23:59" in card.inner_text()


def test_a_reload_keeps_the_conversation(page, stack):
    ask(page, "Wat is Platform JEP?")
    session = page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat')).session")
    before = page.locator(".jep-message").count()
    page.reload()
    page.wait_for_selector(".jep-widget")
    wait_online(page)
    assert page.locator(".jep-message").count() == before
    assert page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat')).session") == session
    ask(page, "Dankjewel")
    engine = create_engine(stack.tracker_db_url)
    with engine.connect() as connection:
        users = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"), {"s": session}
        ).scalar_one()
    assert users == 2  # both messages belong to one conversation on the server


def test_new_conversation_starts_fresh(page):
    ask(page, "Hallo")
    old = page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat')).session")
    page.get_by_role("button", name="Nieuw gesprek").click()
    assert page.locator(".jep-message").count() == 0
    page.wait_for_function(f"() => JSON.parse(sessionStorage.getItem('jep-chat')).session !== {old!r}")


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.textContent")


def test_the_widget_works_with_the_keyboard_alone(page):
    for _ in range(15):  # from the top of the page, Tab reaches the message field
        page.keyboard.press("Tab")
        if focused(page) == "jep-input":
            break
    assert focused(page) == "jep-input"
    page.keyboard.type("Hoe herken ik signalen van radicalisering?")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Een adviseur spreken").last.wait_for()
    assert focused(page) == "jep-input"  # focus stays for the next question
    for _ in range(40):  # back through the answer to its quick replies
        page.keyboard.press("Shift+Tab")
        if focused(page) == "Een adviseur spreken":
            break
    assert focused(page) == "Een adviseur spreken"
    page.keyboard.press("Enter")
    page.locator(".jep-escalation").first.wait_for()


def test_what_a_user_types_is_shown_as_text_and_never_runs(page):
    attacks = [
        "<img src=x onerror=\"window.__xss='img'\">",
        "<script>window.__xss='script'</script>",
        "<a href=\"javascript:window.__xss='link'\">klik</a>",
        "<svg onload=\"window.__xss='svg'\"></svg>",
    ]
    for attack in attacks:
        ask(page, attack)
    assert page.evaluate("() => window.__xss") is None
    shown = page.locator(".jep-user").all_inner_texts()
    for attack in attacks:
        assert any(attack in item for item in shown)
    assert page.locator(".jep-messages img, .jep-messages script, .jep-messages svg").count() == 0


def test_an_article_file_cannot_run_code_on_its_page_or_in_the_widget(page, stack):
    page.goto(f"{stack.web_url}/kennis/{XSS_ARTICLE}")
    page.wait_for_selector("article.article")
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("article.article script, article.article img").count() == 0
    handlers = page.evaluate(
        "() => [...document.querySelectorAll('article.article *')]"
        ".flatMap(el => [...el.attributes].filter(a => a.name.startsWith('on')).map(a => a.name))"
    )
    assert handlers == []
    hrefs = page.eval_on_selector_all("article.article a", "links => links.map(a => a.getAttribute('href') || '')")
    assert not any(href.lower().startswith("javascript:") for href in hrefs)
    assert "Gewone tekst over radicalisering blijft leesbaar." in page.inner_text("article.article")
    page.goto(stack.web_url + "/")
    wait_online(page)
    ask(page, "ik zoek informatie over het proefartikel over radicalisering")
    page.locator(f".jep-card a[href$='/kennis/{XSS_ARTICLE}']").first.wait_for()  # its card is on the page
    assert page.evaluate("() => window.__xss") is None
    assert page.locator(".jep-messages img").count() == 0


def test_offline_is_announced_and_the_widget_reconnects(page):
    page.context.set_offline(True)
    page.wait_for_selector(".jep-status:not([hidden])", timeout=30000)
    assert "Geen verbinding" in page.inner_text(".jep-status")
    page.context.set_offline(False)
    wait_online(page)
    assert page.locator(".jep-status").is_hidden()
    ask(page, "Hallo")


def test_an_answer_with_articles_can_be_rated(page, stack):
    ask(page, "Hoe bespreek ik nepnieuws met mijn klas?")
    page.get_by_role("button", name="Ja, dit was nuttig").first.click()
    page.get_by_text("Bedankt voor je reactie.").first.wait_for()
    session = page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat')).session")
    engine = create_engine(stack.db_url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT rating, article_ids FROM feedback WHERE conversation_id = :s"), {"s": session}
        ).one()
    assert row.rating == "up" and row.article_ids != "[]"


def test_it_fits_a_small_phone_and_a_desktop(browser, stack):
    for width in (320, 375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(stack.web_url + "/")
        wait_online(page)
        ask(page, "Hoe herken ik online radicalisering?")
        page.locator(".jep-card").first.wait_for()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        if width != 320:
            screenshot(page, f"chat-{width}px")
        context.close()


def test_text_contrast_meets_wcag_aa(page):
    ask(page, "Hoe herken ik online radicalisering?")
    page.locator(".jep-card").first.wait_for()
    ratios = page.evaluate((Path(__file__).parent / "contrast.js").read_text(encoding="utf-8"))
    assert ratios
    assert [r for r in ratios if r[1] < 4.5] == []
