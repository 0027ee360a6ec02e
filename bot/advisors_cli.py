"""The `advisors` commands: create an account, list the accounts."""

from __future__ import annotations

import sys
from getpass import getpass

from bot.advisors.accounts import AccountError, AccountService
from bot.config import Settings
from bot.store import make_engine, make_sessionmaker

ROLE_NAMES = {"advisor": "adviseur", "lead": "teamleider", "maintainer": "beheerder"}


def run(args, settings: Settings) -> int:
    accounts = AccountService(make_sessionmaker(make_engine(settings.db_url)))
    if args.command == "add":
        password = _password()
        if password is None:
            print("De twee wachtwoorden zijn niet gelijk. Er is geen account aangemaakt.", file=sys.stderr)
            return 1
        try:
            account = accounts.add(args.username, password, args.role)
        except AccountError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"Account '{account.username}' aangemaakt (rol: {ROLE_NAMES[account.role]}).")
        return 0
    if args.command == "list":
        rows = accounts.all()
        if not rows:
            print("Er zijn nog geen accounts. Maak er een met: python -m bot advisors add <gebruikersnaam>")
        for account in rows:
            seen = f"{account.last_seen_at:%Y-%m-%d %H:%M} UTC" if account.last_seen_at else "nog nooit"
            print(f"{account.username}\t{ROLE_NAMES[account.role]}\tlaatst gezien: {seen}")
        return 0
    return 2


def _password() -> str | None:
    """Asked twice at a terminal; a script pipes it in on stdin instead."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass("Wachtwoord (minstens 12 tekens): ")
    return first if getpass("Nog een keer: ") == first else None
