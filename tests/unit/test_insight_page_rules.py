"""The insights page's rules without a server: the period form, where a login lands, the analyst role."""

from __future__ import annotations

import argparse
import io
from datetime import date

import pytest

from bot.advisors.accounts import ROLE_NAMES, ROLES
from bot.cli import advisors as advisors_cli
from bot.cli.arguments import ROLES as CLI_ROLES
from bot.cli.arguments import parser
from bot.web.auth import after_login
from bot.web.insights import Period, PeriodError, chosen_period

TODAY = date(2026, 3, 25)


def test_the_default_period_is_the_last_four_weeks_per_week():
    assert chosen_period({}, TODAY) == Period(date(2026, 2, 26), TODAY, "week")
    assert chosen_period({"van": "2026-03-01", "tot": "2026-03-02", "per": "dag"}, TODAY).per == "dag"


@pytest.mark.parametrize("args", [{"per": "maand"}, {"van": "1-3-2026"}, {"tot": "morgen"},
                                  {"van": "2026-03-02", "tot": "2026-03-01"}, {"van": "2024-03-01"}])  # fmt: skip
def test_a_wrong_period_is_refused_in_dutch(args):
    with pytest.raises(PeriodError):
        chosen_period(args, TODAY)


def test_an_analyst_lands_on_the_insights_only():
    assert after_login(None, "analyst") == "/beheer/inzicht"
    assert after_login("/adviseurs", "analyst") == "/beheer/inzicht"
    assert after_login("/beheer/inzicht", "analyst") == "/beheer/inzicht"
    assert after_login("/beheer/modellen", "maintainer") == "/beheer/modellen"
    assert after_login("//elders.example", "maintainer") == "/adviseurs"


def test_the_command_line_adds_an_analyst(settings, monkeypatch, capsys):
    assert CLI_ROLES == ROLES and set(ROLE_NAMES) == set(ROLES)
    args = parser().parse_args(["advisors", "add", "Ada", "--role", "analyst"])
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-proefwachtwoord\n"))
    assert advisors_cli.run(args, settings) == 0
    assert advisors_cli.run(argparse.Namespace(command="list"), settings) == 0
    out = capsys.readouterr().out
    assert "Account 'ada' aangemaakt (rol: analist)" in out and "ada\tanalist" in out
