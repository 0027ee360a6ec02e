"""Office hours of the Advieslijn, from configuration."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


class HoursError(ValueError):
    pass


@dataclass(frozen=True)
class OfficeHours:
    days: frozenset[int]  # ISO weekdays, 1 = Monday
    opens: time
    closes: time
    zone: ZoneInfo

    @classmethod
    def parse(cls, days: str, hours: str, timezone: str) -> OfficeHours:
        """`days` as '1-5' or '1,3,5' (ISO weekdays), `hours` as '09:00-17:00'."""
        day_set: set[int] = set()
        for part in days.split(","):
            match = re.fullmatch(r"\s*([1-7])\s*(?:-\s*([1-7])\s*)?", part)
            if not match:
                raise HoursError(
                    f"JEP_OFFICE_DAYS '{days}' is ongeldig; gebruik bijvoorbeeld 1-5 (maandag t/m vrijdag)"
                )
            first, last = int(match.group(1)), int(match.group(2) or match.group(1))
            day_set.update(range(first, last + 1))
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", hours)
        if not match:
            raise HoursError(f"JEP_OFFICE_HOURS '{hours}' is ongeldig; gebruik bijvoorbeeld 09:00-17:00")
        try:
            opens = time(int(match.group(1)), int(match.group(2)))
            closes = time(int(match.group(3)), int(match.group(4)))
        except ValueError:
            raise HoursError(f"JEP_OFFICE_HOURS '{hours}' bevat een ongeldige tijd") from None
        if opens >= closes:
            raise HoursError(f"JEP_OFFICE_HOURS '{hours}': de openingstijd moet voor de sluitingstijd liggen")
        try:
            zone = ZoneInfo(timezone)
        except Exception:
            raise HoursError(f"JEP_TIMEZONE '{timezone}' is geen bekende tijdzone") from None
        return cls(frozenset(day_set), opens, closes, zone)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone)
        return local.isoweekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime) -> datetime:
        local = now.astimezone(self.zone)
        for offset in range(0, 8):
            day = (local + timedelta(days=offset)).date()
            start = datetime.combine(day, self.opens, tzinfo=self.zone)
            if day.isoweekday() in self.days and start > local:
                return start
        raise HoursError("geen openingsdag ingesteld")

    def describe(self) -> str:
        """'maandag t/m vrijdag 09:00–17:00', as the escalation payload shows it."""
        return f"{_describe_days(sorted(self.days))} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def describe_opening(self, now: datetime) -> str:
        """When it opens next, in words: 'maandag om 09:00' or 'morgen om 09:00'."""
        local = now.astimezone(self.zone)
        opening = self.next_opening(now)
        days_ahead = (opening.date() - local.date()).days
        day = "vandaag" if days_ahead == 0 else "morgen" if days_ahead == 1 else DAY_NAMES[opening.weekday()]
        return f"{day} om {opening:%H:%M}"


def _describe_days(days: list[int]) -> str:
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0] - 1]} t/m {DAY_NAMES[days[-1] - 1]}"
    names = [DAY_NAMES[d - 1] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
