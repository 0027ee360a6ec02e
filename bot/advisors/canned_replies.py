"""Canned replies for live chat: a Dutch starter set, kept in the database, edited by leads.

The starter set is written when the table is empty, so a fresh installation has it and a lead
who empties the list gets it back at the next start rather than an empty menu.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.advisors.audit import record
from bot.store import CannedReply, unit_of_work

MAX_TITLE, MAX_TEXT = 80, 2000
STARTERS = (
    ("Begroeting", "Hallo, je spreekt met een adviseur van de Advieslijn van Platform JEP. Ik heb gelezen wat je "
     "de assistent vertelde. Fijn dat je contact zoekt. Waar wil je het eerst over hebben?"),
    ("Even lezen", "Dank je. Ik lees even rustig terug wat je schreef; binnen een minuut reageer ik weer."),
    ("Doorvragen", "Kun je vertellen wat je precies hebt gezien of gehoord, en sinds wanneer dit speelt? "
     "Noem liever geen namen."),
    ("Veiligheid", "Is er nu direct gevaar voor iemand? Bel dan eerst 112. Daarna denk ik graag verder met je mee."),
    ("Niet alleen", "Het is goed dat je dit niet alleen laat. Je hoeft niet te beoordelen of iemand radicaliseert; "
     "samen kijken we wat een passende volgende stap is."),
    ("Telefonisch verder", "Dit bespreken we beter telefonisch. Je kunt de Advieslijn bellen op 070 333 45 58, "
     "of laat je nummer achter via de assistent, dan bellen we je terug."),
    ("Afronden", "Dank je voor je vraag. Ik sluit het gesprek zo af; daarna kun je weer verder met de assistent. "
     "Je kunt altijd opnieuw contact opnemen."),
)  # fmt: skip


class CannedReplyError(ValueError):
    """A reply that cannot be saved; the message is Dutch, for the lead."""


class CannedReplies:
    def __init__(self, factory: sessionmaker, clock=None):
        self.factory = factory
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def all(self) -> list[dict]:
        with unit_of_work(self.factory) as session:
            if not session.execute(select(func.count(CannedReply.id))).scalar():
                session.add_all([CannedReply(title=title, text=text) for title, text in STARTERS])
                session.flush()
            rows = session.execute(select(CannedReply).order_by(CannedReply.id)).scalars()
            return [{"id": row.id, "title": row.title, "text": row.text} for row in rows]

    def text_of(self, reply_id: int) -> str | None:
        with unit_of_work(self.factory) as session:
            return session.execute(select(CannedReply.text).where(CannedReply.id == reply_id)).scalar()

    def save(self, title: str, text: str, by: str, reply_id: int | None = None) -> None:
        """A new reply (no id) or a changed one."""
        title, text = (title or "").strip(), (text or "").strip()
        if not title or len(title) > MAX_TITLE:
            raise CannedReplyError(f"Geef het antwoord een titel van 1 tot {MAX_TITLE} tekens.")
        if not text or len(text) > MAX_TEXT:
            raise CannedReplyError(f"De tekst moet 1 tot {MAX_TEXT} tekens hebben.")
        now = self._now()
        with unit_of_work(self.factory) as session:
            row = CannedReply() if reply_id is None else session.get(CannedReply, reply_id)
            if row is None:
                raise CannedReplyError("Dit standaardantwoord bestaat niet (meer).")
            row.title, row.text, row.updated_by, row.updated_at = title, text, by, now
            session.add(row)
            record(session, by, "canned_replies", now, subject=title[:80])

    def remove(self, reply_id: int, by: str) -> None:
        with unit_of_work(self.factory) as session:
            row = session.get(CannedReply, reply_id)
            if row is None:
                raise CannedReplyError("Dit standaardantwoord bestaat niet (meer).")
            session.delete(row)
            record(session, by, "canned_replies", self._now(), subject=row.title[:80])

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc).replace(tzinfo=None)
