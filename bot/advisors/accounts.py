"""Advisor accounts: argon2 password hashes, logins throttled with back-off, who is online;
disabling, enabling, resetting a password and removing, each ending the account's sessions
where it matters and written to the audit log.

Times are naive UTC, like every other column of the project's own tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.advisors.audit import record
from bot.advisors.sessions import AdvisorSession
from bot.advisors.throttle import LoginThrottle
from bot.store import Advisor, Escalation, unit_of_work
from bot.store.words import EscalationStatus

# A lead is an advisor who may also close or answer escalations a colleague holds.
LEAD = "lead"
# An analyst reads the insights (/beheer/inzicht) and nothing else: no conversations, tickets or queue.
ANALYST = "analyst"
ROLES = ("advisor", LEAD, "maintainer", ANALYST)
ROLE_NAMES = {"advisor": "adviseur", LEAD: "teamleider", "maintainer": "beheerder", ANALYST: "analist"}
# The accounts a lead manages on the team page; maintainers' accounts stay with the command line.
TEAM_ROLES = ("advisor", LEAD)
MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,79}")


class AccountError(ValueError):
    """A refusal the person creating an account can act on; the message is Dutch."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    last_seen_at: datetime | None = None
    disabled: bool = False


def _account(row: Advisor) -> Account:
    return Account(row.username, row.role, row.last_seen_at, row.disabled_at is not None)


def normalise(username: str) -> str:
    return (username or "").strip().lower()


class AccountService:
    def __init__(self, factory: sessionmaker, hasher: PasswordHasher | None = None, clock=None,
                 throttle: LoginThrottle | None = None):  # fmt: skip
        self.factory = factory
        self.hasher = hasher or PasswordHasher()
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.throttle = throttle or LoginThrottle(factory, self.clock)
        # Made now, not on the first unknown name, so that attempt costs no extra hash either.
        self._dummy_hash = self.hasher.hash("geen-account-met-deze-naam")

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc).replace(tzinfo=None)

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password or "") < MIN_PASSWORD_LENGTH or not password.strip():
            raise AccountError(f"Het wachtwoord is te kort: gebruik minstens {MIN_PASSWORD_LENGTH} tekens.")

    def add(self, username: str, password: str, role: str = "advisor") -> Account:
        name = normalise(username)
        if not USERNAME.fullmatch(name):
            raise AccountError(
                "Kies een gebruikersnaam van 2 tot 80 tekens: kleine letters, cijfers, punt, "
                "streepje of liggend streepje."
            )
        if role not in ROLES:
            raise AccountError(f"Onbekende rol '{role}'. Kies {', '.join(repr(r) for r in ROLES)}.")
        self._check_password(password)
        taken = AccountError(f"De gebruikersnaam '{name}' is al in gebruik. Kies een andere naam.")
        try:
            with unit_of_work(self.factory) as session:
                if session.execute(select(Advisor.id).where(Advisor.username == name)).first():
                    raise taken
                row = Advisor(username=name, password_hash=self.hasher.hash(password), role=role,
                              created_at=self._now())  # fmt: skip
                session.add(row)
        except IntegrityError:  # created by someone else between our check and our insert
            raise taken from None
        return _account(row)

    def login(self, username: str, password: str, address: str) -> Account | None:
        """The account if the password is right, None if not; LoginThrottled while a wait is due
        for this client address or this name, whether or not the name exists."""
        name = normalise(username)
        self.throttle.attempt(address, name)
        account = self.verify(name, password)
        if account is not None:
            self.throttle.succeeded(address, name)
        return account

    def verify(self, username: str, password: str) -> Account | None:
        """The account if the password is right, None if not; not throttled (login() is)."""
        with unit_of_work(self.factory) as session:
            row = session.execute(select(Advisor).where(Advisor.username == normalise(username))).scalar_one_or_none()
            if row is None:
                # The same work as a real check, so the response time does not tell which names exist.
                self._matches(self._dummy_hash, password)
                return None
            if not self._matches(row.password_hash, password) or row.disabled_at is not None:
                return None  # a disabled account gets the answer of a wrong password, after the same work
            row.last_seen_at = self._now()
            if self.hasher.check_needs_rehash(row.password_hash):
                row.password_hash = self.hasher.hash(password)
            return _account(row)

    def _matches(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password or "")
        except (VerificationError, InvalidHashError):
            return False

    def mark_seen(self, username: str) -> None:
        with unit_of_work(self.factory) as session:
            session.execute(
                update(Advisor)
                .where(Advisor.username == normalise(username))
                .values(last_seen_at=self._now())
                .execution_options(synchronize_session=False)
            )

    def online_advisors(self, window_minutes: int = 5) -> list[Account]:
        """Everyone with the advisors' app open in the last few minutes (its inbox polls)."""
        since = self._now() - timedelta(minutes=window_minutes)
        with unit_of_work(self.factory) as session:
            rows = session.execute(
                select(Advisor)
                .where(Advisor.last_seen_at >= since, Advisor.disabled_at.is_(None))
                .order_by(Advisor.username)
            ).scalars()
            return [_account(row) for row in rows]

    def all(self) -> list[Account]:
        with unit_of_work(self.factory) as session:
            return [_account(row) for row in session.execute(select(Advisor).order_by(Advisor.username)).scalars()]

    def disable(self, username: str, by: str, roles: tuple[str, ...] = ROLES) -> None:
        """The account can no longer log in, and every session it has ends now."""
        with unit_of_work(self.factory) as session:
            row = self._target(session, username, by, roles)
            row.disabled_at = row.disabled_at or self._now()
            session.execute(delete(AdvisorSession).where(AdvisorSession.username == row.username))
            record(session, by, "account_disable", self._now(), subject=row.username)

    def enable(self, username: str, by: str, roles: tuple[str, ...] = ROLES) -> None:
        with unit_of_work(self.factory) as session:
            row = self._target(session, username, by, roles)
            row.disabled_at = None
            record(session, by, "account_enable", self._now(), subject=row.username)

    def reset_password(self, username: str, password: str, by: str, roles: tuple[str, ...] = ROLES) -> None:
        """A new password; sessions made with the old one end."""
        self._check_password(password)
        with unit_of_work(self.factory) as session:
            row = self._target(session, username, by, roles, self_allowed=True)
            row.password_hash = self.hasher.hash(password)
            session.execute(delete(AdvisorSession).where(AdvisorSession.username == row.username))
            record(session, by, "password_reset", self._now(), subject=row.username)

    def remove(self, username: str, by: str, roles: tuple[str, ...] = ROLES) -> None:
        """Gone, with its sessions; not while it holds an escalation, which would be left without a holder."""
        with unit_of_work(self.factory) as session:
            row = self._target(session, username, by, roles)
            held = session.execute(
                select(func.count(Escalation.id))
                .where(Escalation.claimed_by == row.username, Escalation.status == EscalationStatus.CLAIMED)
            ).scalar()  # fmt: skip
            if held:
                raise AccountError(f"{row.username} heeft nog {held} escalatie(s) in behandeling. Draag die eerst "
                                   "over of leg ze terug in de inbox.")  # fmt: skip
            session.execute(delete(AdvisorSession).where(AdvisorSession.username == row.username))
            session.delete(row)
            record(session, by, "account_remove", self._now(), subject=row.username)

    def team(self, roles: tuple[str, ...] = TEAM_ROLES) -> list[Account]:
        with unit_of_work(self.factory) as session:
            query = select(Advisor).where(Advisor.role.in_(roles)).order_by(Advisor.username)
            return [_account(row) for row in session.execute(query).scalars()]

    @staticmethod
    def _target(session: Session, username: str, by: str, roles: tuple[str, ...],
                self_allowed: bool = False) -> Advisor:  # fmt: skip
        name = normalise(username)
        row = session.execute(select(Advisor).where(Advisor.username == name)).scalar_one_or_none()
        if row is None or row.role not in roles:
            raise AccountError(f"Er is geen account '{name}' dat je hier kunt beheren.")
        if name == normalise(by) and not self_allowed:
            raise AccountError("Je eigen account kun je hier niet uitschakelen, inschakelen of verwijderen.")
        return row
