"""Disable, enable, reset a password and remove an account, from the service and the CLI: sessions
end at once where it matters, and every step is in the audit log."""
import argparse
import io
from datetime import datetime, timezone

import pytest

from bot.advisors.accounts import TEAM_ROLES, AccountError, AccountService
from bot.advisors.audit import AuditLog
from bot.advisors.sessions import SessionStore
from bot.cli import advisors as advisors_cli
from bot.store import Escalation, make_engine, make_sessionmaker, unit_of_work

PASSWORD = "een-lang-proefwachtwoord"
NEW = "een-ander-lang-wachtwoord"


@pytest.fixture
def accounts(factory):
    service = AccountService(factory)
    service.add("anna", PASSWORD)
    service.add("lotte", PASSWORD, role="lead")
    service.add("max", PASSWORD, role="maintainer")
    return service


def test_disable_ends_sessions_and_login_until_enabled(accounts, factory):
    sessions = SessionStore(factory)
    token, _ = sessions.create("anna")
    accounts.disable("anna", "lotte")
    assert sessions.lookup(token) is None and accounts.verify("anna", PASSWORD) is None
    assert [a.username for a in accounts.all() if a.disabled] == ["anna"]
    assert "anna" not in [a.username for a in accounts.online_advisors()]
    accounts.enable("anna", "lotte")
    assert accounts.verify("anna", PASSWORD) is not None


def test_reset_password_and_remove(accounts, factory):
    sessions = SessionStore(factory)
    token, _ = sessions.create("anna")
    with pytest.raises(AccountError, match="te kort"):
        accounts.reset_password("anna", "kort", "lotte")
    accounts.reset_password("anna", NEW, "lotte")
    assert sessions.lookup(token) is None
    assert accounts.verify("anna", PASSWORD) is None and accounts.verify("anna", NEW) is not None
    with unit_of_work(factory) as session:
        session.add(Escalation(ticket="E-1", reason="user_request", mode="phone", status="claimed", claimed_by="anna",
                               conversation_id="c", created_at=datetime(2026, 11, 25)))  # fmt: skip
    with pytest.raises(AccountError, match="nog 1 escalatie"):
        accounts.remove("anna", "lotte")
    with unit_of_work(factory) as session:
        session.query(Escalation).update({"status": "closed"})
    accounts.remove("anna", "lotte")
    assert "anna" not in [a.username for a in accounts.all()]
    assert [(e.actor, e.action) for e in AuditLog(factory).actions(subject="anna")] == [
        ("lotte", "password_reset"), ("lotte", "account_remove")]  # fmt: skip


def test_refusals(accounts):
    with pytest.raises(AccountError, match="geen account 'niemand'"):
        accounts.disable("niemand", "lotte")
    with pytest.raises(AccountError, match="Je eigen account"):
        accounts.disable("lotte", "lotte")
    with pytest.raises(AccountError, match="geen account 'max'"):  # a lead's page does not manage maintainers
        accounts.disable("max", "lotte", TEAM_ROLES)
    assert [a.username for a in accounts.team()] == ["anna", "lotte"]


def test_cli_commands_are_audited(settings, monkeypatch, capsys):
    factory = make_sessionmaker(make_engine(settings.db_url))
    AccountService(factory).add("bram", PASSWORD)
    for command in ("disable", "enable"):
        assert advisors_cli.run(argparse.Namespace(command=command, username="bram"), settings) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW + "\n"))
    assert advisors_cli.run(argparse.Namespace(command="reset-password", username="bram"), settings) == 0
    assert advisors_cli.run(argparse.Namespace(command="remove", username="bram"), settings) == 0
    assert advisors_cli.run(argparse.Namespace(command="remove", username="bram"), settings) == 1
    out, err = capsys.readouterr()
    assert "uitgeschakeld" in out and "weer inloggen" in out and "opnieuw ingesteld" in out and "verwijderd" in out
    assert "geen account 'bram'" in err
    actions = [(e.actor, e.action) for e in AuditLog(factory).actions(subject="bram")]
    assert actions == [("opdrachtregel", a) for a in
                       ("account_disable", "account_enable", "password_reset", "account_remove")]  # fmt: skip


def test_disabling_keeps_other_sessions(accounts, factory):
    sessions = SessionStore(factory, clock=lambda: datetime.now(timezone.utc))
    mine, _ = sessions.create("lotte")
    accounts.disable("anna", "lotte")
    assert sessions.lookup(mine).username == "lotte"
