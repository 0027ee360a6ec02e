"""Advisor accounts: argon2 hashes, login checks, who is online, and the CLI (throttling: test_login_throttle.py)."""
import argparse
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.advisors.accounts import AccountError
from bot.advisors.sessions import SessionStore
from bot.cli import advisors as advisors_cli
from bot.store import Advisor, unit_of_work
from tests.unit.conftest import PASSWORD


def stored_hash(factory, username: str) -> str:
    with unit_of_work(factory) as session:
        return session.execute(select(Advisor.password_hash).where(Advisor.username == username)).scalar_one()


def test_the_password_is_stored_as_an_argon2id_hash(accounts, factory):
    hashed = stored_hash(factory, "anna")
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed


def test_verify_accepts_the_right_password_only(accounts):
    account = accounts.verify("Anna ", PASSWORD)
    assert account.username == "anna" and account.role == "advisor"
    assert accounts.verify("anna", PASSWORD + "x") is None
    assert accounts.verify("niemand", PASSWORD) is None


def test_clear_refusals_when_adding(accounts):
    with pytest.raises(AccountError, match="al in gebruik"):
        accounts.add("ANNA", "nog-een-lang-wachtwoord")
    with pytest.raises(AccountError, match="minstens 12 tekens"):
        accounts.add("bram", "kort")
    with pytest.raises(AccountError, match="Onbekende rol"):
        accounts.add("bram", PASSWORD, role="admin")
    with pytest.raises(AccountError, match="gebruikersnaam"):
        accounts.add("<b>", PASSWORD)
    assert accounts.add("bram", PASSWORD, role="maintainer").role == "maintainer"
    assert accounts.add("lotte", PASSWORD, role="lead").role == "lead"


def test_login_takes_the_same_answer_path_for_unknown_names(accounts):
    assert accounts.login("Anna", PASSWORD, "192.0.2.1").username == "anna"
    assert accounts.login("anna", "fout-fout-fout", "192.0.2.1") is None
    assert accounts.login("niemand", "fout-fout-fout", "192.0.2.1") is None


def test_online_means_seen_in_the_last_minutes(accounts, clock):
    accounts.add("bram", PASSWORD)
    accounts.mark_seen("anna")
    clock.now += timedelta(minutes=3)
    accounts.mark_seen("bram")
    assert [a.username for a in accounts.online_advisors()] == ["anna", "bram"]
    clock.now += timedelta(minutes=3)
    assert [a.username for a in accounts.online_advisors()] == ["bram"]
    assert [a.username for a in accounts.online_advisors(window_minutes=10)] == ["anna", "bram"]


def test_sessions_expire_when_idle_or_too_old(accounts, factory, clock):
    sessions = SessionStore(factory, clock=clock)
    token, active = sessions.create("anna")
    assert sessions.lookup(token) == active and len(active.csrf_token) >= 32
    assert sessions.lookup(token + "x") is None
    clock.now += timedelta(minutes=31)
    assert sessions.lookup(token) is None  # idle too long
    token, _ = sessions.create("anna")
    for _ in range(16):  # active every 29 minutes: 7 h 44 min
        clock.now += timedelta(minutes=29)
        assert sessions.lookup(token)
    clock.now += timedelta(minutes=29)
    assert sessions.lookup(token) is None  # past 8 hours, however active
    token, _ = sessions.create("anna")
    sessions.end(token)
    assert sessions.lookup(token) is None


def test_cli_adds_an_account_from_stdin_and_lists_it(settings, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = argparse.Namespace(command="add", username="Carla", role="maintainer")
    assert advisors_cli.run(args, settings) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert advisors_cli.run(argparse.Namespace(command="add", username="dirk", role="advisor"), settings) == 1
    assert advisors_cli.run(argparse.Namespace(command="list"), settings) == 0
    out, err = capsys.readouterr()
    assert "Account 'carla' aangemaakt (rol: beheerder)" in out and "carla\tbeheerder" in out
    assert "minstens 12 tekens" in err and "dirk" not in out
