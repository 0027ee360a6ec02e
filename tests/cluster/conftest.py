"""Real PostgreSQL 15 and Redis 7 for the cluster tests, and the whole cluster on them, once per session.

Everything runs on free ports, so a running `make run` or `make cluster` is left alone. The data
lives under var/test-cluster/ (pytest's own tmp dirs are 0700 root, out of reach of the user `jep`
the servers run as when the tests run as root) and is removed afterwards; the cluster's logs are
kept in test-artifacts/cluster-logs/<run>/.
JEP_TEST_POSTGRES_URL / JEP_TEST_REDIS_URL point the tests at servers of your own instead; tests
that stop or start a server then skip. Without the servers, and when they cannot be installed,
every test here is skipped, with one line saying why.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cluster import haproxy, packages, service_user
from bot.cluster.layout import ClusterLayout
from bot.cluster.postgres import PostgresServer, create_database, database_url
from bot.cluster.redis_server import RedisServer
from bot.cluster.runner import Cluster, cluster_settings
from bot.config import ROOT, Settings, load_settings
from bot.knowledge.loader import load_knowledge
from bot.runner import answers
from bot.store import make_engine, make_sessionmaker
from bot.training.model import model_path
from tests.conftest import KNOWLEDGE, RASA_TOKEN, free_port, stack_environment

HERE = Path(__file__).parent
LOGS_KEPT = ROOT / "test-artifacts" / "cluster-logs"
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
    ours = [item for item in items if HERE in item.path.parents]
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
    if (folder / "logs").exists():
        # One folder per session: `make test-cluster` runs two (the cluster tests, the browser tests on it).
        kept = LOGS_KEPT / folder.name
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(folder / "logs", kept)
    shutil.rmtree(folder, ignore_errors=True)


def _unavailable_here(what: str, variable: str) -> None:
    pytest.skip(f"{what} is extern ({variable}): deze test kan die niet stoppen en starten")


@dataclass
class ExternalRedis:
    url: str

    def stop(self) -> None:
        _unavailable_here("Redis", "JEP_TEST_REDIS_URL")

    def start(self) -> None:
        _unavailable_here("Redis", "JEP_TEST_REDIS_URL")

    def restart(self) -> None:
        _unavailable_here("Redis", "JEP_TEST_REDIS_URL")


@dataclass
class ExternalPostgres:
    admin_url: str  # may create and drop databases

    def url(self, database: str) -> str:
        return database_url(self.admin_url, database)

    def create_database(self, name: str) -> str:
        return create_database(self.admin_url, name)

    def stop(self) -> None:
        _unavailable_here("PostgreSQL", "JEP_TEST_POSTGRES_URL")

    def start(self) -> None:
        _unavailable_here("PostgreSQL", "JEP_TEST_POSTGRES_URL")


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


@dataclass
class RunningCluster:
    settings: Settings  # as the services see them
    layout: ClusterLayout
    app: Cluster
    postgres_server: object
    redis_server: object

    @property
    def rasa_url(self) -> str:
        """HAProxy's front: the Rasa URL the web app and the widget use."""
        return self.settings.rasa_url

    @property
    def web_url(self) -> str:
        return self.settings.web_url

    @property
    def tracker_url(self) -> str:
        return self.settings.tracker_db_url

    @property
    def replica_urls(self) -> list[str]:
        return self.layout.replica_urls

    @property
    def replica_pids(self) -> list[int]:
        return [replica.process.pid for replica in self.app.replicas]

    def kill_replica(self, index: int) -> None:
        """SIGKILL for replica `index` (0-based), returning once it is gone (its port closed). A request it
        was handling gets a 502: HAProxy never sends a request that reached a replica to another one.
        The supervisor starts it again, which takes a model load."""
        process = self.app.replicas[index].process
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def replica_states(self) -> dict[str, dict[str, str]]:
        """HAProxy's view per replica (rasa1, rasa2, ...): `status`, and `stot`, the requests sent to it."""
        return haproxy.replica_states(self.layout.stats_url)

    def wait_for_replicas(self, timeout: float = 300) -> None:
        """Until every replica answers again and HAProxy sends to it, e.g. after kill_replica."""
        deadline = time.monotonic() + timeout
        while not all(answers(f"{url}{haproxy.HEALTH_PATH}") for url in self.replica_urls):
            if time.monotonic() > deadline:
                raise AssertionError(f"niet alle Rasa-replica's antwoorden na {timeout:.0f} s")
            time.sleep(1)
        self.app.wait_for_balancer(max(deadline - time.monotonic(), 10))


@contextmanager
def running_cluster(
    cluster_dir: Path, postgres_server, redis_server, name: str, replicas: int = 2, action_url: str | None = None
) -> Iterator[RunningCluster]:
    """A whole cluster on the given data servers, with databases `name` and `name`_tracker made anew.

    While it runs, this process's JEP_* environment is the services' (load_settings() gives their settings).
    """
    knowledge = cluster_dir / f"{name}-knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    databases = {
        "JEP_DB_URL": postgres_server.create_database(name),
        "JEP_TRACKER_DB_URL": postgres_server.create_database(f"{name}_tracker"),
        "JEP_REDIS_URL": redis_server.url,
    }
    with stack_environment(knowledge, **databases):
        settings = cluster_settings(load_settings(), *databases.values())
        model = model_path(settings)
        if not model.exists():
            pytest.fail(f"geen getraind model ({model.name}); draai eerst `make train`")
        # make_engine brings the schema to the newest migration, as `make cluster` does with `db upgrade`.
        load_knowledge(knowledge, make_sessionmaker(make_engine(settings.db_url)))
        layout = ClusterLayout(
            var_dir=cluster_dir / name,
            replica_ports=tuple(free_port() for _ in range(replicas)),
            stats_port=free_port(),
            action_url=action_url,
        )
        app = Cluster(settings, layout, model, RASA_TOKEN, service_user.ensure())
        try:
            app.start()
            app.supervise_in_background()
            yield RunningCluster(settings, layout, app, postgres_server, redis_server)
        finally:
            app.stop()
        _keep_logs(layout.logs, cluster_dir / "logs" / name)


def _keep_logs(logs: Path, kept: Path) -> None:
    if logs.exists():
        shutil.copytree(logs, kept, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def cluster(cluster_dir, postgres_server, redis_server):
    """HAProxy, two Rasa replicas, the action server and the web app on the session's PostgreSQL and Redis."""
    with running_cluster(cluster_dir, postgres_server, redis_server, "jep_cluster") as running:
        yield running
