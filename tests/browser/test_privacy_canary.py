"""Canary: personal data sent through the running stack is stored nowhere.

Messages with a valid BSN, an e-mail address, a phone number, an IBAN and a
postcode go in through both channels (the widget's socket.io and REST); then
every table of every database and every log file is searched for the raw values.
So do the ways around the filter that once worked: a message that starts with
"/", an entity value in `/intent{json}`, the query of a rating, and a name in
lower case after a title.
"""

from __future__ import annotations

import re

import requests
from sqlalchemy import column, create_engine, inspect, select, table

from tests.browser.chat_client import ChatClient
from tests.browser.conftest import ask

BSN = "111222333"  # passes the 11-proof
EMAIL = "sami.kanarie@voorbeeld.nl"
PHONE = "06-13572468"
IBAN = "NL91ABNA0417164300"
POSTCODE = "3511 AB 12"
CANARIES = [BSN, EMAIL, PHONE, IBAN, POSTCODE]
MESSAGES = [
    f"Mijn leerling heeft BSN {BSN} en deelt extreme filmpjes, hoe pak ik dat aan?",
    f"Je kunt me mailen op {EMAIL} of bellen op {PHONE} over deze jongere",
    f"De vader vraagt of hij geld moet overmaken naar {IBAN} voor een training over radicalisering",
    f"Het gezin woont op {POSTCODE}, mag ik dat delen met de wijkagent?",
]


def forms(value: str) -> list[str]:
    """The raw value and its digits or letters without separators, as a search would find it."""
    return [value, re.sub(r"[\\s.-]", "", value)]


def rows_containing(url: str, needles: list[str]) -> list[str]:
    engine = create_engine(url)
    found = []
    with engine.connect() as connection:
        for name in inspect(engine).get_table_names():
            columns = [c["name"] for c in inspect(engine).get_columns(name)]
            for row in connection.execute(select(*[column(c) for c in columns]).select_from(table(name))):
                blob = " ".join(str(v) for v in row)
                found += [f"{name}: {needle}" for needle in needles if needle in blob]
    return found


def test_no_raw_personal_data_in_any_table_or_log(page, stack, stack_dir):
    for message in MESSAGES:
        ask(page, message)
    for message in MESSAGES:
        reply = requests.post(
            f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": "canary-rest", "message": message}, timeout=60
        )
        assert reply.ok
    shown = page.locator(".jep-user").all_inner_texts()
    assert any(BSN in text for text in shown)  # the professional still sees what they typed
    needles = [form for value in CANARIES for form in forms(value)]
    assert rows_containing(stack.db_url, needles) == []
    assert rows_containing(stack.tracker_db_url, needles) == []
    logs = list((stack_dir / "logs").glob("*.log"))
    assert logs
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert [needle for needle in needles if needle in text] == [], log.name
        assert "extreme filmpjes" not in text and "overmaken naar" not in text, log.name  # no message text at all
    stored = rows_containing(stack.tracker_db_url, ["[BSN]", "[EMAIL]", "[TELEFOON]", "[IBAN]", "[POSTCODE]"])
    assert len({row.split(": ")[1] for row in stored}) == 5  # the placeholders are what was stored


def test_a_message_over_the_limit_is_answered_and_not_stored(stack):
    long_message = "Ik heb een lange vraag. " * 60 + BSN
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": "canary-lang", "message": long_message}, timeout=60
    )
    assert "te lang" in reply.json()[0]["text"]
    assert rows_containing(stack.tracker_db_url, ["Ik heb een lange vraag", BSN]) == []


BYPASS_BSN = "246813581"
ENTITY_BSN = "975310872"
FEEDBACK_BSN = "975310884"
BYPASS_EMAIL = "kanarie.twee@voorbeeld.nl"
NAMES = ["blokland", "keijzer"]
BYPASSES = [
    f"/hallo mijn leerling heeft BSN {BYPASS_BSN}, mail me op {BYPASS_EMAIL}",
    f'/greet{{"topic": "jongere met BSN {ENTITY_BSN}", "setting": "{BYPASS_EMAIL}"}}',
    "ik sprak mevrouw blokland en meneer de keijzer over hun zoon",
]


def test_no_way_around_the_filter_stores_personal_data(page, stack, stack_dir):
    for message in BYPASSES:
        ask(page, message)
        reply = requests.post(
            f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": "canary-omweg", "message": message}, timeout=60
        )
        assert reply.ok
    chat = ChatClient(stack)
    try:
        chat.request_session()
        for message in BYPASSES:
            chat.say(message)
    finally:
        chat.close()
    ask(page, "Hoe bespreek ik nepnieuws met mijn klas?")
    state = page.evaluate("() => JSON.parse(sessionStorage.getItem('jep-chat'))")
    rating = requests.post(
        f"{stack.web_url}/feedback",
        json={"session_id": state["session"], "resume_token": state["token"], "rating": "down",
              "query": f"vraag van mevrouw blokland, BSN {FEEDBACK_BSN}, {BYPASS_EMAIL}"},
        headers={"Origin": stack.web_url},
        timeout=30,
    )  # fmt: skip
    assert rating.ok
    needles = [BYPASS_BSN, ENTITY_BSN, FEEDBACK_BSN, BYPASS_EMAIL, *NAMES]
    assert rows_containing(stack.db_url, needles) == []
    assert rows_containing(stack.tracker_db_url, needles) == []
    for log in (stack_dir / "logs").glob("*.log"):
        text = log.read_text(encoding="utf-8", errors="replace")
        assert [needle for needle in needles if needle in text] == [], log.name
    assert rows_containing(stack.db_url, ["vraag van mevrouw [NAAM], BSN [BSN], [EMAIL]"])  # the rating is kept
