"""HAProxy in front of the Rasa replicas: one public Rasa URL, sticky socket.io sessions, fast failover.

A socket.io session stays on the replica that holds it (HAProxy inserts the cookie JEPRASA; a
websocket is one connection anyway). A replica that stops answering its health check is out after
two failed checks a second apart, and a request that could not connect is sent to another replica.
Only a request that never reached a replica is tried again: a user's message is never sent twice.

The admin socket lets an operator drain a replica before a deploy (docs/operations.md, section 5).
"""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import urllib.request
from pathlib import Path

from bot.cluster.packages import HAPROXY
from bot.cluster.service_user import command_as

HEALTH_PATH = "/webhooks/rest/"
COOKIE = "JEPRASA"
BACKEND = "replicas"


def config_text(
    front_host: str,
    front_port: int,
    replica_host: str,
    replica_ports: tuple[int, ...],
    stats_port: int | None,
    admin_socket: Path | None = None,
) -> str:
    lines = [
        "global",
        "    log stdout format raw local0 info",
        "    maxconn 4096",
        # Only HAProxy's own user (and root) may use it: it can take replicas out.
        *([f"    stats socket {admin_socket} mode 600 level admin"] if admin_socket else []),
        "",
        "defaults",
        "    mode http",
        "    log global",
        "    option httplog",
        "    option dontlognull",
        # The replicas see who asked (JEP_TRUSTED_PROXIES=127.0.0.1 makes them believe it).
        "    option forwardfor",
        "    option redispatch",
        "    retries 2",
        "    timeout connect 2s",
        "    timeout http-request 10s",
        "    timeout queue 30s",
        # A turn on a busy machine may take a while; a websocket stays open much longer.
        "    timeout client 90s",
        "    timeout server 90s",
        "    timeout tunnel 1h",
        "",
        "frontend rasa",
        f"    bind {front_host}:{front_port}",
        f"    default_backend {BACKEND}",
        "",
        f"backend {BACKEND}",
        "    balance leastconn",
        f"    cookie {COOKIE} insert indirect nocache httponly",
        f"    option httpchk GET {HEALTH_PATH}",
        "    http-check expect status 200",
        "    default-server inter 1s fall 2 rise 2",
        *(
            f"    server rasa{number} {replica_host}:{port} check cookie rasa{number}"
            for number, port in enumerate(replica_ports, start=1)
        ),
    ]
    if stats_port is not None:
        lines += [
            "",
            "listen stats",
            f"    bind {replica_host}:{stats_port}",
            "    stats enable",
            "    stats uri /",
            "    stats refresh 5s",
        ]
    return "\n".join(lines) + "\n"


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o644)  # read by the user `jep`; nothing secret in it
    return path


def admin(admin_socket: Path, line: str, timeout: float = 2.0) -> str:
    """HAProxy's answer to one admin command ("show servers state replicas", "set server replicas/rasa1
    state drain"); what `socat` does in the operations guide."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(str(admin_socket))
        connection.sendall(line.encode() + b"\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.decode()


def command(config: Path, user: str | None) -> list[str]:
    """HAProxy in the foreground (-db), logging to stdout, which the supervisor sends to its log file."""
    return command_as(user, [HAPROXY, "-db", "-f", config])


def check(config: Path) -> str:
    """HAProxy's own verdict on a configuration file; raises with its message when it is wrong."""
    result = subprocess.run([str(HAPROXY), "-c", "-f", str(config)], capture_output=True, text=True)
    if result.returncode != 0:
        raise ValueError(f"HAProxy-configuratie ongeldig: {(result.stderr or result.stdout).strip()}")
    return result.stdout.strip()


def replica_states(stats_url: str) -> dict[str, dict[str, str]]:
    """HAProxy's view of each replica by server name (rasa1, ...): `status` (UP, DOWN, ...) and `stot`
    (sessions sent to it so far), read from the stats page as CSV."""
    with urllib.request.urlopen(f"{stats_url};csv", timeout=2) as reply:
        text = reply.read().decode("utf-8")
    rows = csv.DictReader(io.StringIO(text.removeprefix("# ")))
    return {row["svname"]: row for row in rows if row["pxname"] == BACKEND and row["svname"].startswith("rasa")}
