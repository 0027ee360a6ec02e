"""Steps several browser tests share: signing in as an advisor, and reading the tracker store."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def sign_in(page, username: str, password: str) -> None:
    """Fills in the advisors' login form shown on the page and sends it."""
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Inloggen").click()


def signed_in(page, web_url: str, username: str, password: str, start: str = "/adviseurs") -> None:
    """Opens start (the inbox, or the login form itself), signs in there and waits for the inbox."""
    page.goto(web_url + start)
    sign_in(page, username, password)
    page.wait_for_url(f"{web_url}/adviseurs")


def user_events(stack, conversation_id: str, column: str) -> list:
    """One column of the conversation's user events in the tracker store: "data" or "intent_name"."""
    assert column in ("data", "intent_name")
    with create_engine(stack.tracker_db_url).connect() as connection:
        rows = connection.execute(
            text(f"SELECT {column} FROM events WHERE sender_id = :s AND type_name = 'user'"), {"s": conversation_id}
        ).scalars()
        return list(rows)
