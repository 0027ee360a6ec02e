"""Issue 22, a chat that fits, at 375 and 1280 px: the messages scroll in their own area and the input stays
in view; three cards and "Meer resultaten"; a welcome with example questions and topics; phone numbers in
the assistant's text are tel: links; 112 is a distinct emergency button; the thumbs are labelled icons; the
typing indicator is announced politely; a skip link; less motion when asked."""

from __future__ import annotations

import requests

from tests.browser.conftest import ask, wait_online

FIVE_TURNS = [
    "Hoe herken ik signalen van radicalisering?",
    "Wat is Platform JEP?",
    "Hoe bespreek ik nepnieuws met mijn klas?",
    "Wanneer is de Advieslijn bereikbaar?",
    "Welke organisaties kunnen mij ondersteunen?",
]


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }""",
        selector,
    )


def test_the_input_stays_in_view_after_five_turns(chat):
    for question in FIVE_TURNS:
        ask(chat, question)
        assert in_view(chat, "#jep-input") and in_view(chat, ".jep-primary")
    chat.get_by_text("Wil je liever eerst overleggen").wait_for()  # the last answer's last message
    # The page itself does not scroll, sideways or down: the log does.
    assert chat.evaluate("() => document.documentElement.scrollWidth") <= chat.width
    assert chat.evaluate("() => document.documentElement.scrollHeight") <= chat.viewport_size["height"]
    log = chat.locator(".jep-log")
    assert log.evaluate("l => getComputedStyle(l).overflowY") == "auto"
    assert log.evaluate("l => l.scrollHeight > l.clientHeight")
    # The log scrolls (smoothly, unless asked not to) to the newest answer, shown from its beginning.
    chat.wait_for_function(
        """() => { const l = document.querySelector('.jep-log'), v = l.getBoundingClientRect();
                   const items = [...l.querySelectorAll('.jep-message')];
                   const asked = items.map(i => i.classList.contains('jep-user')).lastIndexOf(true);
                   const m = items[asked + 1].getBoundingClientRect();
                   return m.top >= v.top - 1 && m.top < v.bottom - 40; }""",
        timeout=5000,
    )
    assert chat.locator(".jep-user").count() == 5
    # The welcome is for an empty chat only; a new conversation brings it back.
    assert chat.locator(".jep-welcome").is_hidden()
    chat.get_by_role("button", name="Nieuw gesprek").click()
    assert chat.locator(".jep-welcome").is_visible()
    assert in_view(chat, "#jep-input")


def test_the_input_stays_in_view_on_the_smallest_phone(browser, stack):
    context = browser.new_context(viewport={"width": 320, "height": 568})
    page = context.new_page()
    page.goto(stack.web_url + "/")
    wait_online(page)
    ask(page, "Hoe herken ik online radicalisering?")
    page.locator(".jep-card").first.wait_for()
    assert in_view(page, "#jep-input") and in_view(page, ".jep-primary") and in_view(page, ".jep-emergency")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    context.close()


def test_an_empty_chat_welcomes_with_example_questions_and_topics(chat):
    welcome = chat.locator(".jep-welcome")
    assert welcome.is_visible()
    examples = chat.get_by_role("list", name="Je kunt bijvoorbeeld vragen:").get_by_role("button")
    assert 3 <= examples.count() <= 4
    chips = chat.get_by_role("toolbar", name="Of kies een onderwerp:").get_by_role("button")
    assert chips.count() >= 4
    # The topics are one tab stop; the arrow keys go from one to the next.
    assert [chips.nth(i).get_attribute("tabindex") for i in range(chips.count())].count("0") == 1
    chips.first.focus()
    chat.keyboard.press("ArrowRight")
    assert chat.evaluate("() => document.activeElement.textContent") == chips.nth(1).inner_text()
    chat.keyboard.press("ArrowLeft")
    chat.keyboard.press("ArrowLeft")
    assert chat.evaluate("() => document.activeElement.textContent") == chips.last.inner_text()
    question = examples.first.inner_text()
    examples.first.click()
    chat.locator(".jep-bot").first.wait_for()
    assert chat.locator(".jep-user").first.inner_text().endswith(question)
    assert welcome.is_hidden()
    chat.locator(".jep-card").first.wait_for()  # an example question gets a real answer


def test_a_topic_chip_asks_about_the_topic(chat):
    topics = chat.get_by_role("toolbar", name="Of kies een onderwerp:")
    topics.get_by_role("button", name="Online radicalisering").click()
    chat.locator(".jep-bot").first.wait_for()
    assert "Online radicalisering" in chat.locator(".jep-user").first.inner_text()
    chat.locator(".jep-card").first.wait_for()


def test_three_cards_then_more_results(chat):
    ask(chat, "Welke organisaties kunnen mij ondersteunen?")
    box = chat.locator(".jep-cards").last
    box.locator(".jep-card").first.wait_for()
    assert box.locator(".jep-card").count() == 3
    more = box.locator(".jep-more")
    hidden = int(more.inner_text().removeprefix("Meer resultaten (").removesuffix(")"))
    assert hidden >= 1, "deze vraag gaf niet meer dan drie organisaties"
    more.click()
    assert box.locator(".jep-card:visible").count() == 3 + hidden
    assert more.count() == 0
    # Focus goes to the first card that was hidden, so a keyboard or screen reader user reads on from there.
    assert chat.evaluate("() => document.activeElement.tagName") == "H3"
    assert chat.evaluate("() => document.activeElement.closest('.jep-card') !== null")


def test_phone_numbers_in_the_assistants_text_are_tel_links(chat):
    ask(chat, "Wanneer is de Advieslijn bereikbaar?")
    message = chat.locator(".jep-bot").last
    advieslijn = message.locator("p a[href='tel:0703334558']")
    assert advieslijn.count() == 1 and advieslijn.inner_text() == "070 333 45 58"
    emergency = message.locator("p a[href='tel:112']")
    assert emergency.count() == 1 and emergency.inner_text() == "112"
    # Only links were added: the text reads exactly as sent, and nothing but <a> is inside it.
    text = message.locator("p").last.inner_text()
    assert "(070 333 45 58)" in text and "bel je altijd 112" in text
    assert message.locator("p *:not(a)").count() == 0
    # What the professional typed is never linked.
    ask(chat, "Mijn nummer is 06 12345678")
    assert chat.locator(".jep-user a").count() == 0


def test_phone_numbers_come_only_from_text_never_from_markup(chat, stack):
    """The greeting and a reply that Rasa sends as text: the links are built from text nodes."""
    ask(chat, "Hallo")
    greeting = chat.locator(".jep-bot").last
    assert greeting.locator("a[href='tel:0703334558']").count() == 1
    assert chat.evaluate("() => window.__xss") is None
    hrefs = chat.eval_on_selector_all(".jep-messages a", "links => links.map(a => a.getAttribute('href'))")
    assert all(href.startswith(("tel:", "http")) for href in hrefs)


def test_112_is_a_distinct_emergency_button(chat):
    button = chat.locator(".jep-header .jep-emergency")
    assert button.get_attribute("href") == "tel:112"
    assert button.inner_text() == "Bel 112 bij direct gevaar"
    assert in_view(chat, ".jep-header .jep-emergency")
    red = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert red == "rgb(176, 0, 32)"
    assert red != chat.locator(".jep-primary").evaluate("b => getComputedStyle(b).backgroundColor")
    box = button.bounding_box()
    assert box["height"] >= 40  # big enough to hit with a thumb
    ask(chat, "Een leerling dreigt morgen een aanslag te plegen op school")
    card = chat.locator(".jep-escalation").last
    card.wait_for()
    assert card.locator(".jep-emergency[href='tel:112']").inner_text() == "Bel 112"


def test_the_thumbs_are_labelled_svg_icons(chat, stack):
    ask(chat, "Hoe bespreek ik nepnieuws met mijn klas?")
    for name, file in (("Ja, dit was nuttig", "thumb-up.svg"), ("Nee, dit was niet nuttig", "thumb-down.svg")):
        button = chat.get_by_role("button", name=name).last
        assert button.is_visible()
        icon = button.locator(".jep-icon")
        assert icon.get_attribute("aria-hidden") == "true"
        assert file in icon.evaluate("i => getComputedStyle(i).maskImage || getComputedStyle(i).webkitMaskImage")
        assert icon.bounding_box()["width"] >= 16
        served = requests.get(f"{stack.web_url}/static/icons/{file}", timeout=10)
        assert served.ok and served.headers["content-type"].startswith("image/svg+xml")
        assert "<script" not in served.text
    chat.get_by_role("button", name="Ja, dit was nuttig").last.click()
    chat.get_by_text("Bedankt voor je reactie.").first.wait_for()


def test_the_typing_indicator_is_announced_politely(chat):
    said = chat.locator(".jep-typing-status")
    assert said.get_attribute("role") == "status" and said.get_attribute("aria-live") == "polite"
    assert said.inner_text() == ""
    before = chat.locator(".jep-bot").count()
    # Sent and read in one go, so a quick answer cannot hide the indicator before it is seen.
    shown = chat.evaluate(
        """() => { const input = document.getElementById('jep-input'); input.value = 'Wat is Platform JEP?';
                   input.form.requestSubmit();
                   return [document.querySelector('.jep-typing-status').textContent,
                           !document.querySelector('.jep-typing').hidden]; }"""
    )
    assert shown == ["De assistent typt…", True]
    chat.wait_for_function(f"() => document.querySelectorAll('.jep-bot').length > {before}")
    assert said.inner_text() == ""
    assert chat.locator(".jep-typing").is_hidden()


def test_a_skip_link_leads_past_the_menu(chat):
    chat.keyboard.press("Tab")
    skip = chat.locator(".skip-link")
    assert chat.evaluate("() => document.activeElement.className") == "skip-link"
    assert skip.inner_text() == "Naar de inhoud" and in_view(chat, ".skip-link")
    chat.keyboard.press("Enter")
    assert chat.evaluate("() => document.activeElement.id") == "main"
    chat.keyboard.press("Tab")
    assert chat.evaluate("() => document.activeElement.closest('.jep-widget') !== null")


def test_less_motion_when_asked(chat):
    def motion():
        return chat.evaluate(
            """() => [getComputedStyle(document.querySelector('.jep-dots span')).animationName,
                      getComputedStyle(document.querySelector('.jep-log')).scrollBehavior]"""
        )

    chat.emulate_media(reduced_motion="no-preference")
    assert motion() == ["jep-dot", "smooth"]
    chat.emulate_media(reduced_motion="reduce")
    assert motion() == ["none", "auto"]
