"""Real PostgreSQL 15 and Redis 7 for the cluster tests, started once per session on free ports.

Their data lives under var/test-cluster/ (pytest's own tmp dirs are 0700 root, out of reach of the
user `jep` the servers run as when the tests run as root) and is removed afterwards.
JEP_TEST_POSTGRES_URL / JEP_TEST_REDIS_URL point the tests at servers of your own instead; tests
that stop or start a server then skip. Without the servers, and when they cannot be installed,
every test here is skipped, with one line saying why.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cluster import packages, service_user
from bot.cluster.postgres import PostgresServer, create_database, database_url
from bot.cluster.redis_server import RedisServer
from bot.config import ROOT
from tests.conftest import free_port

HERE = Path(__file__).parent
EXTERNAL_POSTGRES = os.environ.get("JEP_TEST_POSTGRES_URL", "").strip()
EXTERNAL_REDIS = os.environ.get("JEP_TEST_REDIS_URL", "").strip()
_unavailable: list[str] = []  # the reason, once known


def _needed() -> list[str]:
    needed = ["haproxy"]
    if not EXTERNAL_POSTGRES:
        needed.append("postgresql-15")
    if not EXTERNAL_REDIS:
        needed.append("redis-server")
    return needed


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if HERE in Path(item.fspath).parents]
    if not ours:
        return
    try:
        packages.ensure_installed(_needed())
    except packages.PackagesUnavailable as problem:
        _unavailable.append(
            "cluster-tests overgeslagen: PostgreSQL 15/Redis/HAProxy niet beschikbaar "
            f"en niet te installeren ({problem})"
        )
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=_unavailable[0]))


def pytest_terminal_summary(terminalreporter):
    if _unavailable:
        terminalreporter.write_line(_unavailable[0])


@pytest.fixture(scope="session")
def cluster_dir():
    """A directory the servers' user can reach, removed after the session."""
    base = ROOT / "var" / "test-cluster"
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=base))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _unavailable_here(what: str) -> None:
    pytest.skip(f"{what} is extern (JEP_TEST_*_URL): stoppen en starten kan de test niet")


@dataclass
class ExternalRedis:
    url: str

    def stop(self) -> None:
        _unavailable_here("Redis")

    def start(self) -> None:
        _unavailable_here("Redis")

    def restart(self) -> None:
        _unavailable_here("Redis")


@dataclass
class ExternalPostgres:
    admin_url: str  # may create and drop databases

    def url(self, database: str) -> str:
        return database_url(self.admin_url, database)

    def create_database(self, name: str) -> str:
        return create_database(self.admin_url, name)

    def stop(self) -> None:
        _unavailable_here("PostgreSQL")

    def start(self) -> None:
        _unavailable_here("PostgreSQL")


@pytest.fixture(scope="session")
def redis_server(cluster_dir):
    """`.url`, and `.stop()`, `.start()`, `.restart()` with the data kept."""
    if EXTERNAL_REDIS:
        yield ExternalRedis(EXTERNAL_REDIS)
        return
    server = RedisServer(cluster_dir / "redis", free_port(), cluster_dir / "logs" / "redis.log", service_user.ensure())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server(cluster_dir):
    """`.url(database)`, `.create_database(name) -> url` (fresh), `.stop()`, `.start()`."""
    if EXTERNAL_POSTGRES:
        yield ExternalPostgres(EXTERNAL_POSTGRES)
        return
    server = PostgresServer(cluster_dir / "pg", free_port(), cluster_dir / "logs" / "postgres.log",
                            service_user.ensure())  # fmt: skip
    server.initialise()
    server.start()
    try:
        yield server
    finally:
        server.stop()
