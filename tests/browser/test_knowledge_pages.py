"""/kennis, an article, /organisaties and a provider page in Chromium at phone and desktop width:
the forms work without scripts of ours, the article's "Vraag de assistent hierover" reaches the chat,
and axe-core (from npm, `make axe`) finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import pytest

from bot.config import ROOT
from tests.browser.conftest import screenshot, wait_online

WIDTHS = (375, 1280)
ARTICLE = "complotdenken-en-wantrouwen-tegen-overheid"
AXE = ROOT / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def visit(request, browser, stack):
    """A fresh page at the width; axe is injected past the CSP by the test, never by the product."""
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    context.set_default_timeout(60000)
    page = context.new_page()

    def go(path: str):
        page.goto(stack.web_url + path)
        return page

    go.width, go.page = width, page
    yield go
    if getattr(request.node, "failed", False):
        screenshot(page, f"failed-{request.node.name}")
    context.close()


def fits(page, width: int) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


def shown(page, prefix: str) -> list[str]:
    return [href.rsplit("/", 1)[-1] for href in page.locator(f"main a[href^='{prefix}']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]  # fmt: skip


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations
            .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""",
        WCAG,
    )


def test_searching_with_filters_finds_the_expected_articles(visit):
    page = visit("/kennis")
    page.fill("#q", "complotdenken")
    page.select_option("#werkveld", "onderwijs")
    page.click("button[type=submit]")
    page.wait_for_url("**/kennis?q=complotdenken*")
    results = shown(page, "/kennis/")
    assert results and results[0].startswith("complot")
    assert page.locator(".result mark").count() >= 1
    assert page.locator("#werkveld").input_value() == "onderwijs"
    page.select_option("#onderwerp", "exit")
    page.click("button[type=submit]")
    page.wait_for_url("**onderwerp=exit*")
    assert page.locator(".result").count() >= 1 and "exit" in page.locator(".result").first.inner_text().lower()
    assert fits(page, visit.width)
    screenshot(page, f"kennis-zoeken-{visit.width}px")
    assert axe_violations(page) == []


def test_an_article_has_related_articles_tel_links_and_passes_axe(visit):
    page = visit(f"/kennis/{ARTICLE}")
    assert page.locator(".related a").count() >= 3
    assert page.locator("article a[href='tel:+31703334558']").count() >= 1
    assert fits(page, visit.width)
    screenshot(page, f"artikel-{visit.width}px")
    assert axe_violations(page) == []


def test_ask_the_assistant_opens_the_chat_with_the_article(visit, stack):
    page = visit(f"/kennis/{ARTICLE}")
    title = page.locator("article h1").inner_text()
    page.click("text=Vraag de assistent hierover")
    page.wait_for_url(f"**/?over={ARTICLE}")
    wait_online(page)
    page.wait_for_function("() => document.getElementById('jep-input').value !== ''")
    assert page.locator("#jep-input").input_value() == f"Vertel me meer over: {title}"
    page.locator("#jep-input").press("Enter")
    # The assistant answers the pre-filled question with the article itself.
    page.locator(f".jep-card a[href$='/kennis/{ARTICLE}']").first.wait_for(timeout=30000)


def test_a_region_filter_keeps_national_providers(visit):
    page = visit("/organisaties")
    everyone = len(shown(page, "/organisaties/"))
    page.select_option("#regio", "Zwolle")
    page.select_option("#aanbod", "advies")
    page.click("button[type=submit]")
    page.wait_for_url("**regio=Zwolle*")
    providers = shown(page, "/organisaties/")
    assert "advieslijn-platform-jep" in providers and "landelijk-steunpunt-extremisme" in providers
    assert 0 < len(providers) < everyone
    assert "Landelijke organisaties werken ook in Zwolle" in page.inner_text("main")
    assert fits(page, visit.width)
    screenshot(page, f"organisaties-zwolle-{visit.width}px")
    assert axe_violations(page) == []


def test_a_provider_page_shows_how_to_reach_it_and_passes_axe(visit):
    page = visit("/organisaties/advieslijn-platform-jep")
    assert page.locator("main a[href='tel:+31703334558']").count() == 1
    assert "Werkgebied" in page.inner_text("main")
    assert fits(page, visit.width)
    assert axe_violations(page) == []
