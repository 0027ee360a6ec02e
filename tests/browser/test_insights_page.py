"""Issue 23: /beheer/inzicht in a real browser at 375 and 1280 px, for a maintainer and an analyst: the
charts and their tables are there and fit the screen, axe-core (`make axe`) finds no WCAG 2.1 A/AA
violation, and the analyst has no button, no inbox and is refused the review queue.

Only the web app runs, in a thread, on the store of tests/integration/insight_world.py."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import sign_in
from tests.browser.test_knowledge_pages import WIDTHS, axe_violations
from tests.conftest import free_port
from tests.integration.conftest import serving
from tests.integration.insight_world import PASSWORD, PERIOD, insights_app

PAGE = "/beheer/inzicht?" + "&".join(f"{key}={value}" for key, value in PERIOD.items())


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    app, _factory = insights_app(tmp_path_factory.mktemp("inzicht-browser"), "jep_web_inzicht_browser")
    with serving(app, free_port()) as base:
        yield base


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def visitor(request, browser, web):
    # bypass_csp: only so the test can inject axe; the product itself never loads it.
    context = browser.new_context(viewport={"width": request.param, "height": 800}, bypass_csp=True)
    context.set_default_timeout(30000)
    page = context.new_page()
    page.width = request.param
    yield page
    if getattr(request.node, "failed", False):
        screenshot(page, f"failed-{request.node.name}")
    context.close()


def open_insights(page, web: str, username: str) -> None:
    page.goto(f"{web}/adviseurs/login")
    sign_in(page, username, PASSWORD)
    page.wait_for_url(f"{web}/{'beheer/inzicht' if username == 'ada' else 'adviseurs'}")
    page.goto(web + PAGE)
    page.get_by_role("heading", name="Inzicht", exact=True).wait_for()


def fits(page) -> bool:
    """Nothing but the tables' own scroll boxes is wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_maintainer_sees_the_page_without_violations(visitor, web):
    page = visitor
    open_insights(page, web, "mara")
    assert page.locator("figure.insight-chart svg").count() == 4
    assert page.locator("figure.insight-chart table caption").count() == 4
    assert page.get_by_role("button", name="Heeft een artikel nodig").count() >= 1
    assert fits(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Heeft een artikel nodig").first.click()
    page.get_by_role("status").wait_for()
    assert axe_violations(page) == [], "na heeft een artikel nodig"


def test_an_analyst_sees_the_page_but_not_the_rest(visitor, web):
    page = visitor
    open_insights(page, web, "ada")
    assert page.get_by_role("button", name="Heeft een artikel nodig").count() == 0
    assert page.get_by_role("link", name="Inbox").count() == 0
    assert page.locator("table").count() >= 10 and fits(page)
    assert axe_violations(page) == []
    page.goto(f"{web}/beheer")
    page.get_by_role("alert").wait_for()
    assert "geen toegang" in page.get_by_role("alert").inner_text()
    page.goto(f"{web}/beheer/inzicht?van=gisteren")
    page.get_by_role("alert").wait_for()
    assert axe_violations(page) == [], "foutmelding"
