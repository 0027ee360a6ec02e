"""`make cluster` (python -m bot cluster): the same services as `make run`, now on PostgreSQL and Redis,
with several Rasa replicas behind HAProxy; started in order, kept running, all stopped on Ctrl-C.

`Cluster` is the application side (action server, replicas, web app, HAProxy) on data servers that
are already running; `run` starts those first. The cluster tests start a `Cluster` of their own.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bot.cli.db import upgrade as upgrade_database
from bot.cli.knowledge import load
from bot.cluster import haproxy, packages, service_user
from bot.cluster.layout import ClusterLayout, replica_ports
from bot.cluster.postgres import PostgresServer
from bot.cluster.redis_server import RedisServer
from bot.cluster.supervisor import Supervised, Supervisor
from bot.config import ROOT, Settings
from bot.runner import (
    Service,
    check_free,
    child_environment,
    new_rasa_token,
    rasa_command,
    remove_token,
    stop,
    stop_on_signals,
    wait_until_ready,
    write_token,
)
from bot.training.model import active_model
from bot.training.registry import Registry

STEPS = 6
BALANCER_TIMEOUT = 30.0  # seconds for HAProxy to see every ready replica as healthy (two checks a second apart)


def cluster_settings(settings: Settings, db_url: str, tracker_db_url: str, redis_url: str) -> Settings:
    """The settings as the cluster's services see them."""
    return dataclasses.replace(settings, db_url=db_url, tracker_db_url=tracker_db_url, redis_url=redis_url)


def service_environment(settings: Settings) -> dict[str, str]:
    env = child_environment(settings)
    env.update(JEP_DB_URL=settings.db_url, JEP_TRACKER_DB_URL=settings.tracker_db_url, JEP_REDIS_URL=settings.redis_url)
    return env


@dataclass
class Cluster:
    settings: Settings  # as the services see them
    layout: ClusterLayout
    model: Path
    rasa_token: str
    user: str | None = None  # HAProxy runs as it (see service_user)
    say: Callable[[str], None] = print
    supervisor: Supervisor | None = None
    watcher: threading.Thread | None = None  # supervise_in_background's

    @property
    def replicas(self) -> list[Service]:
        names = self.layout.replica_names
        return [member.service for member in self.supervisor.members if member.service.name in names]

    def members(self) -> list[Supervised]:
        python, layout, settings = sys.executable, self.layout, self.settings
        logs = layout.logs
        # The web app's model swaps and rollbacks must reach every replica, not the one HAProxy picks.
        env = {**service_environment(settings), "JEP_RASA_REPLICA_URLS": ",".join(layout.replica_urls)}
        # Only the replicas sit behind HAProxy; the web app is reached directly and trusts no forwarded address.
        replica_env = {**env, "JEP_TRUSTED_PROXIES": layout.host}
        if layout.action_url:
            replica_env["JEP_ACTION_URL"] = layout.action_url
        actions = Service("actieserver", [python, "-m", "bot", "actions"],
                          f"http://{settings.host}:{settings.action_port}/health", logs / "actions.log")  # fmt: skip
        replicas = [
            Service(
                name,
                rasa_command(settings, self.model, layout.host, port, self.rasa_token),
                f"{url}{haproxy.HEALTH_PATH}",
                logs / f"rasa-{number}.log",
            )
            for number, (name, port, url) in enumerate(
                zip(layout.replica_names, layout.replica_ports, layout.replica_urls, strict=True), start=1
            )
        ]
        web = Service("webapp", [python, "-m", "bot", "web"], f"{settings.web_url}/health", logs / "web.log")
        balancer = Service("HAProxy", haproxy.command(self.layout.haproxy_config, self.user),
                           f"{settings.rasa_url}{haproxy.HEALTH_PATH}", logs / "haproxy.log")  # fmt: skip
        return [
            Supervised(actions, env),
            *(Supervised(replica, replica_env, command=self._replica_command(port))
              for replica, port in zip(replicas, layout.replica_ports, strict=True)),
            Supervised(web, env),
            Supervised(balancer, env),
        ]

    def _replica_command(self, port: int) -> Callable[[], list[str]]:
        """A replica's command at each start: with the model a maintainer activated since, if any."""
        def command() -> list[str]:
            model = Registry.for_models(self.settings.models_dir).active_path() or self.model
            return rasa_command(self.settings, model, self.layout.host, port, self.rasa_token)
        return command

    def start(self) -> None:
        settings, layout = self.settings, self.layout
        check_free(settings.host, [("actieserver", settings.action_port), ("webapp", settings.web_port),
                                   ("HAProxy", settings.rasa_port)])  # fmt: skip
        replicas = zip(layout.replica_names, layout.replica_ports, strict=True)
        check_free(layout.host, [*replicas, ("HAProxy-status", layout.stats_port)])
        text = haproxy.config_text(settings.host, settings.rasa_port, layout.host, layout.replica_ports,
                                   layout.stats_port, layout.haproxy_socket)  # fmt: skip
        haproxy.write_config(layout.haproxy_config, text)
        layout.haproxy_socket.parent.mkdir(parents=True, exist_ok=True)
        service_user.hand_over(layout.haproxy_socket.parent, self.user)  # HAProxy, as that user, makes the socket there
        self.supervisor = Supervisor(self.members(), say=self.say)
        self.supervisor.start_all()
        wait_until_ready([member.service for member in self.supervisor.members], logs=_shown(layout.logs))
        self.wait_for_balancer()

    def supervise_in_background(self) -> None:
        """Restarts in a thread of this process (the tests); `make cluster` calls supervisor.check() itself."""
        self.watcher = threading.Thread(target=self.supervisor.watch, name="cluster-supervisor", daemon=True)
        self.watcher.start()

    def stop(self) -> None:
        if self.supervisor is None:
            return
        self.supervisor.stop()
        if self.watcher is not None:
            self.watcher.join(timeout=10)  # a restart under way ends first, so its process is stopped too
        stop([member.service for member in self.supervisor.members])

    def wait_for_balancer(self, timeout: float = BALANCER_TIMEOUT) -> None:
        """Until HAProxy sees every replica as healthy (after a restart: once its model is loaded)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                states = haproxy.replica_states(self.layout.stats_url)
            except OSError:  # not listening yet
                states = {}
            if len(states) == len(self.layout.replica_ports) and all(s["status"] == "UP" for s in states.values()):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"HAProxy ziet niet alle Rasa-replica's als gezond na {timeout:.0f} s; "
                                   f"zie {_shown(self.layout.logs / 'haproxy.log')}")  # fmt: skip
            time.sleep(0.5)


def run(settings: Settings, replicas: int) -> int:
    layout = ClusterLayout(replica_ports=replica_ports(replicas))
    # Also a closed terminal (SIGHUP) stops the servers: they run in sessions of their own and would stay.
    stop_on_signals((signal.SIGTERM, signal.SIGINT, signal.SIGHUP))
    with ExitStack() as cleanup:
        try:
            return _run(settings, layout, cleanup)
        except KeyboardInterrupt:
            print("\nStoppen...", flush=True)
            return 0
        except RuntimeError as problem:
            print(f"fout: {problem}", file=sys.stderr, flush=True)
            return 1


def _run(settings: Settings, layout: ClusterLayout, cleanup: ExitStack) -> int:
    _step(1, "Debian-pakketten controleren (PostgreSQL 15, Redis, HAProxy)")
    packages.ensure_installed(say=_say)
    user = service_user.ensure()

    _step(2, f"PostgreSQL starten (poort {layout.postgres_port}, gegevens in {_shown(layout.postgres_dir)})")
    postgres_log = layout.logs / "postgres.log"
    postgres = PostgresServer(layout.postgres_dir, layout.postgres_port, postgres_log, user, layout.host)
    postgres.initialise()
    if postgres.running():
        _say("  PostgreSQL draaide nog van een vorige keer; die wordt gebruikt")
    else:
        check_free(layout.host, [("PostgreSQL", layout.postgres_port)])
        postgres.start()
    cleanup.callback(postgres.stop)

    _step(3, f"Redis starten (poort {layout.redis_port}, gegevens in {_shown(layout.redis_dir)})")
    check_free(layout.host, [("Redis", layout.redis_port)])
    redis = RedisServer(layout.redis_dir, layout.redis_port, layout.logs / "redis.log", user, layout.host)
    redis.start()
    cleanup.callback(redis.stop)

    _step(4, f"Databases {layout.database} en {layout.tracker_database} bijwerken; kennisbank laden")
    databases = [postgres.ensure_database(name) for name in (layout.database, layout.tracker_database)]
    ours = cluster_settings(settings, *databases, redis.url)
    if upgrade_database(ours) != 0 or load(ours, ours.knowledge_dir) != 0:
        return 1

    _step(5, "Model controleren")
    model = active_model(ours)

    count = len(layout.replica_ports)
    _step(6, f"Diensten starten: actieserver, {count} Rasa-replica's, webapp en HAProxy (het laden duurt even)")
    rasa_token = new_rasa_token()
    write_token(rasa_token)
    cleanup.callback(remove_token, rasa_token)
    cluster = Cluster(ours, layout, model, rasa_token, user, say=_say)
    cleanup.callback(cluster.stop)
    cluster.start()
    _say(f"\nHet cluster draait: {count} Rasa-replica's achter HAProxy ({ours.rasa_url}), PostgreSQL en Redis.")
    _say(f"Open {ours.web_url} in je browser.")
    _say(f"Logbestanden staan in {_shown(layout.logs)}. Stoppen: Ctrl-C.\n")
    while True:
        cluster.supervisor.check()
        if not redis.running():
            _say(f"{time.strftime('%H:%M:%S')} Redis is gestopt; opnieuw starten")
            redis.start()
        time.sleep(1)


def _step(number: int, text: str) -> None:
    _say(f"{number}/{STEPS} {text}")


def _say(text: str) -> None:
    print(text, flush=True)


def _shown(path: Path) -> str:
    """A path as a person reads it: relative to the project when it is inside."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
