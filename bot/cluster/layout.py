"""Where the cluster's pieces live: the ports of what `make run` does not have, and the directories.

The front (HAProxy, on settings.rasa_port), the action server and the web app keep their ports from
bot/config.py; the rest is here, with defaults for `make cluster` and free ports in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.config import ROOT

DEFAULT_REPLICAS = 2
FIRST_REPLICA_PORT = 5006


def replica_ports(count: int, first: int = FIRST_REPLICA_PORT) -> tuple[int, ...]:
    return tuple(range(first, first + count))


@dataclass(frozen=True)
class ClusterLayout:
    var_dir: Path = ROOT / "var"
    host: str = "127.0.0.1"  # the data servers and the replicas; HAProxy is their only way in from outside
    postgres_port: int = 5433
    redis_port: int = 6380
    replica_ports: tuple[int, ...] = field(default_factory=lambda: replica_ports(DEFAULT_REPLICAS))
    stats_port: int = 8404  # HAProxy's status page, on this machine only
    # The replicas call this instead of the action server when set (a test puts a recording proxy in between).
    action_url: str | None = None
    database: str = "jep"
    tracker_database: str = "jep_tracker"

    @property
    def cluster_dir(self) -> Path:
        return self.var_dir / "cluster"

    @property
    def postgres_dir(self) -> Path:
        return self.cluster_dir / "pg"

    @property
    def redis_dir(self) -> Path:
        return self.cluster_dir / "redis"

    @property
    def haproxy_config(self) -> Path:
        return self.cluster_dir / "haproxy.cfg"

    @property
    def haproxy_socket(self) -> Path:
        return self.cluster_dir / "haproxy" / "admin.sock"

    @property
    def logs(self) -> Path:
        return self.var_dir / "logs" / "cluster"

    @property
    def replica_names(self) -> list[str]:
        return [f"Rasa-replica {number}" for number in range(1, len(self.replica_ports) + 1)]

    @property
    def replica_urls(self) -> list[str]:
        return [f"http://{self.host}:{port}" for port in self.replica_ports]

    @property
    def stats_url(self) -> str:
        return f"http://{self.host}:{self.stats_port}/"
