"""The `privacy` commands: purge what has expired, erase one conversation."""

from __future__ import annotations

from bot.config import Settings
from bot.services import build_services


def run(args, settings: Settings) -> int:
    retention = build_services(settings).retention
    if args.command == "purge":
        print(f"Bewaartermijnen: gesprekken {settings.retention_days} dagen, "
              f"gesloten escalaties {settings.escalation_retention_days} dagen.")  # fmt: skip
        print(f"Opgeschoond: {retention.purge()}.")
        return 0
    if args.command == "erase":
        report = retention.erase(args.conversation_id)
        if not (report.events or report.escalations or report.feedback):
            print(f"Geen gegevens gevonden voor gesprek '{args.conversation_id}'.")
            return 1
        print(f"Gesprek '{args.conversation_id}' gewist: {report}.")
        return 0
    return 2
