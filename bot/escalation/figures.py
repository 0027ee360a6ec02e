"""Figures for the lead advisors, per day or ISO week: escalations by reason and mode, the median
wait from opening to the first claim, the share answered within the service level, and the
callbacks that reached someone, and how professionals rated their live chats (3 = helped well,
1 = not helped; bot/escalation/live_rating.py). Only counts and durations: no message text, no
contact data, so the CSV export may leave the building.
"""

from __future__ import annotations

import csv
import io
import statistics
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.escalation.service_levels import OVERDUE, WITHIN, ServiceLevels
from bot.escalation.states import MODES, REASONS, Mode
from bot.store import CallbackAttempt, Escalation, unit_of_work

PERIODS = {"dag": "day", "week": "week"}
LONGEST = timedelta(days=366)
DEFAULT_SPAN = timedelta(days=27)
COLUMNS = (
    ["periode", "escalaties"] + [f"reden_{r}" for r in REASONS] + [f"wijze_{m}" for m in MODES]
    + ["mediane_wachttijd_minuten", "binnen_servicenorm_procent", "beoordeeld_op_servicenorm",
       "terugbelverzoeken", "terugbelverzoeken_bereikt", "live_beoordelingen", "gemiddelde_live_beoordeling"]
)  # fmt: skip


class FiguresError(ValueError):
    """A period that cannot be shown; the message is Dutch."""


def period_range(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """From `van` and `tot` as YYYY-MM-DD (both optional: the last four weeks up to today)."""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last - DEFAULT_SPAN
    except ValueError:
        raise FiguresError("Geef de datums als JJJJ-MM-DD, bijvoorbeeld 2026-11-02.") from None
    if first > last:
        raise FiguresError("De begindatum ligt na de einddatum.")
    if last - first > LONGEST:
        raise FiguresError("Kies een periode van hoogstens een jaar.")
    return first, last


class Figures:
    def __init__(self, factory: sessionmaker, levels: ServiceLevels, zone: ZoneInfo, clock=None):
        self.factory = factory
        self.levels = levels
        self.zone = zone
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    def rows(self, first: date, last: date, per: str = "day") -> list[dict]:
        """One row per day or week with escalations opened in it (local time), oldest first."""
        since, until = self._utc(first), self._utc(last + timedelta(days=1))
        now = self.clock().astimezone(timezone.utc).replace(tzinfo=None)
        with unit_of_work(self.factory) as session:
            escalations = session.execute(
                select(Escalation.id, Escalation.reason, Escalation.mode, Escalation.created_at,
                       Escalation.first_claimed_at, Escalation.live_rating)
                .where(Escalation.created_at >= since, Escalation.created_at < until)
                .order_by(Escalation.created_at, Escalation.id)
            ).all()  # fmt: skip
            attempts = dict(session.execute(
                select(CallbackAttempt.escalation_id, func.min(CallbackAttempt.attempted_at))
                .group_by(CallbackAttempt.escalation_id)
            ).all())  # fmt: skip
            reached = set(session.execute(
                select(CallbackAttempt.escalation_id).where(CallbackAttempt.outcome == "reached")
            ).scalars())  # fmt: skip
        groups: dict[str, list] = {}
        for row in escalations:
            groups.setdefault(self._period(row.created_at, per), []).append(row)
        result = []
        for period, rows in groups.items():
            waits = [(r.first_claimed_at - r.created_at).total_seconds() / 60 for r in rows if r.first_claimed_at]
            states = [self.levels.state(r.mode, r.reason, r.created_at,
                                        attempts.get(r.id) if r.mode == Mode.CALLBACK else r.first_claimed_at, now)
                      for r in rows]  # fmt: skip
            judged = [s for s in states if s in (WITHIN, OVERDUE)]
            callbacks = [r for r in rows if r.mode == Mode.CALLBACK]
            ratings = [r.live_rating for r in rows if r.live_rating is not None]
            result.append({
                "periode": period,
                "escalaties": len(rows),
                **{f"reden_{reason}": sum(r.reason == reason for r in rows) for reason in REASONS},
                **{f"wijze_{mode}": sum(r.mode == mode for r in rows) for mode in MODES},
                "mediane_wachttijd_minuten": round(statistics.median(waits), 1) if waits else None,
                "binnen_servicenorm_procent": round(100 * judged.count(WITHIN) / len(judged), 1) if judged else None,
                "beoordeeld_op_servicenorm": len(judged),
                "terugbelverzoeken": len(callbacks),
                "terugbelverzoeken_bereikt": sum(r.id in reached for r in callbacks),
                "live_beoordelingen": len(ratings),
                "gemiddelde_live_beoordeling": round(statistics.mean(ratings), 2) if ratings else None,
            })  # fmt: skip
        return result

    def csv(self, first: date, last: date, per: str = "day") -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows(first, last, per))
        return out.getvalue()

    def _utc(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=self.zone).astimezone(timezone.utc).replace(tzinfo=None)

    def _period(self, created: datetime, per: str) -> str:
        local = created.replace(tzinfo=timezone.utc).astimezone(self.zone).date()
        if per == "week":
            year, week, _ = local.isocalendar()
            return f"{year}-W{week:02d}"
        return local.isoformat()
