"""The `insights` commands: catch up the daily figures, print the KPIs of a period."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.insights.kpis import insights
from bot.insights.report_tables import ReportTable, cell_text
from bot.insights.rollup import Progress
from bot.services import build_services

SHOW_PROGRESS_FROM = 5000  # events; fewer are counted in a blink


def run(args, settings: Settings) -> int:
    rollup = build_services(settings).insights
    print(f"Bijgewerkt: {rollup.update(_progress(rollup.pending()))}.", file=sys.stderr)
    if args.command == "update":
        return 0
    until = args.until or datetime.now(ZoneInfo(settings.timezone)).date()
    if until < args.since:
        print("fout: --until ligt voor --since.", file=sys.stderr)
        return 1
    found = insights(rollup.factory, args.since, until, args.per)
    for table in found.tables():
        print(render(table))
    print("Een cijfer uit minder dan 5 gesprekken staat er als '< 5'. Definities: docs/insights.md")
    return 0


def render(table: ReportTable) -> str:
    """A table in columns for the terminal, with its title above."""
    cells = [list(table.columns)] + [
        [cell_text(value, n in table.percent) for n, value in enumerate(row)] for row in table.rows
    ]
    widths = [max(len(row[n]) for row in cells) for n in range(len(table.columns))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip() for row in cells]
    if not table.rows:
        lines.append("(geen gegevens in deze periode)")
    return f"\n{table.title}\n" + "\n".join(lines)


def _progress(pending: int) -> Progress | None:
    """A line on stderr that updates itself, when there is much to catch up."""
    if pending < SHOW_PROGRESS_FROM:
        return None
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done) if done else 0
        filled = int(30 * done / max(total, 1))
        end = "\n" if done >= total else ""
        bar = "#" * filled + "." * (30 - filled)
        print(f"\rInhalen [{bar}] {done}/{total} gebeurtenissen (nog ~{left:.0f} s) ", end=end, file=sys.stderr,
              flush=True)  # fmt: skip

    return show
