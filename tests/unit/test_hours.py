from datetime import datetime, timezone

import pytest

from bot.escalation.hours import HoursError, OfficeHours

HOURS = OfficeHours.parse("1-5", "09:00-17:00", "Europe/Amsterdam")


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_open_on_a_weekday_afternoon_in_amsterdam():
    assert HOURS.is_open(utc(2026, 11, 30, 12, 0))  # Monday 13:00 CET


def test_closed_before_nine_local_time_even_if_utc_says_otherwise():
    assert not HOURS.is_open(utc(2026, 11, 30, 7, 59))  # Monday 08:59 CET
    assert HOURS.is_open(utc(2026, 6, 1, 7, 0))  # Monday 09:00 CEST


def test_closed_at_five_and_in_the_weekend():
    assert not HOURS.is_open(utc(2026, 11, 30, 16, 0))  # Monday 17:00 CET
    assert not HOURS.is_open(utc(2026, 11, 28, 12, 0))  # Saturday


def test_next_opening_after_the_weekend():
    saturday = utc(2026, 11, 28, 12, 0)
    assert HOURS.next_opening(saturday).isoformat() == "2026-11-30T09:00:00+01:00"
    assert HOURS.describe_opening(saturday) == "maandag om 09:00"
    assert HOURS.describe_opening(utc(2026, 11, 30, 18, 0)) == "morgen om 09:00"
    assert HOURS.describe_opening(utc(2026, 11, 30, 6, 0)) == "vandaag om 09:00"


def test_describe_in_dutch():
    assert HOURS.describe() == "maandag t/m vrijdag 09:00–17:00"
    assert OfficeHours.parse("1,3", "10:00-12:30", "Europe/Amsterdam").describe() == "maandag en woensdag 10:00–12:30"


@pytest.mark.parametrize(
    "days, hours, zone",
    [("ma-vr", "09:00-17:00", "Europe/Amsterdam"), ("1-5", "17:00-09:00", "Europe/Amsterdam"),
     ("1-5", "9 tot 5", "Europe/Amsterdam"), ("1-5", "09:00-17:00", "Mars/Olympus")],
)  # fmt: skip
def test_bad_configuration_gives_a_dutch_error(days, hours, zone):
    with pytest.raises(HoursError, match="JEP_|tijd"):
        OfficeHours.parse(days, hours, zone)
