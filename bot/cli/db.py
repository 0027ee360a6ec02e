"""The `db` commands: bring the project tables (JEP_DB_URL) to the newest migration, or show their revision."""

from __future__ import annotations

import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.config import Settings
from bot.store import schema


def run(args, settings: Settings) -> int:
    return _run(args.command, settings)


def upgrade(settings: Settings) -> int:
    """`python -m bot db upgrade`; `make run` and `make cluster` do it before the services start."""
    return _run("upgrade", settings)


def upgraded(where: str, outcome: schema.Upgrade) -> str:
    if not outcome.changed:
        return f"Database {where} is al actueel (revisie {outcome.after})."
    if outcome.adopted:
        was = "tabellen van vóór de migraties"
    else:
        was = f"revisie {outcome.before}" if outcome.before else "leeg"
    return f"Database {where} bijgewerkt naar revisie {outcome.after} (was: {was})."


def _run(command: str, settings: Settings) -> int:
    where = make_url(settings.db_url).render_as_string(hide_password=True)
    try:
        if command == "upgrade":
            print(upgraded(where, schema.upgrade(settings.db_url)), flush=True)
        else:
            revision = schema.current(settings.db_url) or "geen (nog nooit bijgewerkt)"
            print(f"Database {where}: revisie {revision}; nieuwste revisie {schema.head()}.")
    except OperationalError as problem:
        print(f"fout: database {where} niet bereikbaar of bezet: {problem.orig}", file=sys.stderr)
        return 1
    return 0
