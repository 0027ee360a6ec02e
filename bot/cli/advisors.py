"""The `advisors` commands: create, list, disable, enable, reset a password, remove.

Each change is in the audit log with "opdrachtregel" as the one who made it."""

from __future__ import annotations

import sys
from getpass import getpass

from bot.advisors.accounts import ROLE_NAMES, AccountError
from bot.config import Settings
from bot.services import build_services

CLI = "opdrachtregel"
DONE = {
    "disable": "Account '{name}' is uitgeschakeld; de sessies zijn beëindigd.",
    "enable": "Account '{name}' kan weer inloggen.",
    "remove": "Account '{name}' is verwijderd.",
}


def run(args, settings: Settings) -> int:
    accounts = build_services(settings).accounts
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
            state = "\tuitgeschakeld" if account.disabled else ""
            print(f"{account.username}\t{ROLE_NAMES[account.role]}\tlaatst gezien: {seen}{state}")
        return 0
    try:
        if args.command in DONE:
            getattr(accounts, args.command)(args.username, CLI)
            print(DONE[args.command].format(name=args.username))
            return 0
        if args.command == "reset-password":
            password = _password()
            if password is None:
                print("De twee wachtwoorden zijn niet gelijk. Het wachtwoord is niet veranderd.", file=sys.stderr)
                return 1
            accounts.reset_password(args.username, password, CLI)
            print(f"Het wachtwoord van '{args.username}' is opnieuw ingesteld; de sessies zijn beëindigd.")
            return 0
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    return 2


def _password() -> str | None:
    """Asked twice at a terminal; a script pipes it in on stdin instead."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass("Wachtwoord (minstens 12 tekens): ")
    return first if getpass("Nog een keer: ") == first else None
