"""The `db` commands: bring the project tables (JEP_DB_URL) to the newest migration, or show their revision."""

from __future__ import annotations

import sys

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.config import Settings
from bot.store import schema


def run(args, settings: Settings) -> int:
    where = make_url(settings.db_url).render_as_string(hide_password=True)
    try:
        if args.command == "upgrade":
            print(upgraded(where, schema.upgrade(settings.db_url)))
            return 0
        if args.command == "current":
            revision = schema.current(settings.db_url)
            print(f"Database {where}: revisie {revision or 'geen (nog nooit bijgewerkt)'}; "
                  f"nieuwste revisie {schema.head()}.")  # fmt: skip
            return 0
    except OperationalError as problem:
        print(f"fout: database {where} niet bereikbaar of bezet: {problem.orig}", file=sys.stderr)
        return 1
    return 2


def upgraded(where: str, outcome: schema.Upgrade) -> str:
    if not outcome.changed:
        return f"Database {where} is al actueel (revisie {outcome.after})."
    if outcome.adopted:
        was = "tabellen van vóór de migraties"
    else:
        was = f"revisie {outcome.before}" if outcome.before else "leeg"
    return f"Database {where} bijgewerkt naar revisie {outcome.after} (was: {was})."
