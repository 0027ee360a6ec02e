"""What `make cluster` says when a Debian package is missing and it may not install it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cluster import packages


def test_only_the_missing_packages_are_named(monkeypatch, tmp_path):
    present = tmp_path / "redis-server"
    present.touch()
    monkeypatch.setitem(packages.PACKAGES, "redis-server", present)
    monkeypatch.setitem(packages.PACKAGES, "haproxy", tmp_path / "haproxy")
    assert packages.missing(["redis-server", "haproxy"]) == ["haproxy"]


def test_not_root_gets_the_exact_apt_command(monkeypatch):
    monkeypatch.setitem(packages.PACKAGES, "haproxy", Path("/niet/hier/haproxy"))
    monkeypatch.setattr(packages.os, "geteuid", lambda: 1000)
    with pytest.raises(packages.PackagesUnavailable) as problem:
        packages.ensure_installed(["haproxy"])
    assert "sudo sh -c 'apt-get update && apt-get install -y haproxy'" in str(problem.value)
