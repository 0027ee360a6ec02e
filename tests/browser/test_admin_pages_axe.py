"""Issue 22 item 7: axe-core (from npm, `make axe`) finds no WCAG 2.1 A/AA violation on the login page (also
with its error) and on the maintainers' pages, at 375 and 1280 px: the review list with an item, the articles
list, the models, a retraining's progress and outcome, its report and the rollback confirmation.

Only the web app runs, as in test_maintainer_pages (its fixtures, a stand-in retraining, no model trained)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_knowledge_pages import WIDTHS, axe_violations
from tests.browser.test_maintainer_pages import PASSWORD, TEXT, tmp, web  # noqa: F401 (fixtures)


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def visitor(request, browser, web):  # noqa: F811 (the fixture imported above)
    context = browser.new_context(viewport={"width": request.param, "height": 800}, bypass_csp=True)
    context.set_default_timeout(30000)
    page = context.new_page()
    yield page
    if getattr(request.node, "failed", False):
        screenshot(page, f"failed-{request.node.name}")
    context.close()


def test_the_login_page_passes_axe(visitor, web):  # noqa: F811
    page = visitor
    page.goto(f"{web}/adviseurs/login")
    page.get_by_role("button", name="Inloggen").wait_for()
    assert axe_violations(page) == []
    page.fill("#username", "beheerder.proef")
    page.fill("#password", "niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("alert").wait_for()  # the error, read out
    assert axe_violations(page) == []


def test_the_maintainers_pages_pass_axe(visitor, web, tmp):  # noqa: F811
    page = visitor
    page.goto(f"{web}/beheer")
    page.fill("#username", "beheerder.proef")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{web}/beheer")
    page.locator(".review-item", has_text=TEXT).wait_for()
    assert axe_violations(page) == [], "reviewlijst"
    for path, what in (("/beheer/artikelen", "artikelen nodig"), ("/beheer/modellen", "modellen"),
                       ("/beheer/modellen/terugzetten", "terugzetten")):  # fmt: skip
        page.goto(web + path)
        assert axe_violations(page) == [], what
    page.goto(f"{web}/beheer/modellen")
    page.get_by_role("button", name="Hertrainen").click()
    page.wait_for_url("**/beheer/modellen/hertrainen")
    page.locator("#retrain-steps", has_text="[1/6]").wait_for()
    assert axe_violations(page) == [], "hertraining bezig"
    (tmp / "go").write_text("", encoding="utf-8")
    page.locator("#retrain-outcome", has_text="is geweigerd").wait_for()
    assert axe_violations(page) == [], "hertraining klaar"
    page.get_by_role("link", name="Rapport bekijken").click()
    page.get_by_role("heading", name="Hertraining").wait_for()
    assert axe_violations(page) == [], "rapport"
    (tmp / "go").unlink()  # the next width starts its own retraining
