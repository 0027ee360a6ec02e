"""The cluster's supervisor, with real processes: it restarts what exits, and gives up on a failing start."""

from __future__ import annotations

import sys

import pytest

from bot.cluster import supervisor
from bot.cluster.supervisor import GivenUp, Supervised, Supervisor
from bot.runner import Service, stop


def _member(tmp_path, code: str) -> Supervised:
    service = Service("proef", [sys.executable, "-c", code], "http://127.0.0.1:9/", tmp_path / "proef.log")
    return Supervised(service, {})


def test_a_process_that_exits_is_started_again(tmp_path, monkeypatch):
    monkeypatch.setattr(supervisor, "QUICK_EXIT", 0.0)  # every exit counts as one after a long life
    lines: list[str] = []
    member = _member(tmp_path, "raise SystemExit(3)")
    watcher = Supervisor([member], say=lines.append)
    watcher.start_all()
    first = member.service.process
    first.wait()
    watcher.check()
    try:
        assert member.service.process is not first
        assert lines and "proef is gestopt (code 3); opnieuw starten" in lines[0]
    finally:
        stop([member.service])


def test_a_process_that_keeps_failing_at_its_start_is_given_up(tmp_path):
    member = _member(tmp_path, "raise SystemExit(1)")
    watcher = Supervisor([member], say=lambda _line: None)
    watcher.start_all()
    with pytest.raises(GivenUp, match="stopt steeds kort na het starten"):
        for _ in range(supervisor.MAX_QUICK_EXITS):
            member.service.process.wait()
            watcher.check()


def test_nothing_is_restarted_once_stopping(tmp_path):
    member = _member(tmp_path, "pass")
    watcher = Supervisor([member], say=lambda _line: None)
    watcher.start_all()
    first = member.service.process
    first.wait()
    watcher.stop()
    watcher.check()
    assert member.service.process is first
