"""`make run`: set everything up, start the three services, stop them on Ctrl-C."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.cli.db import upgrade as upgrade_database
from bot.cli.knowledge import load
from bot.config import RASA_TOKEN_FILE, ROOT, Settings
from bot.training.model import active_model

READY_TIMEOUT = 300


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str
    log: Path
    process: subprocess.Popen | None = None


def services_for(
    settings: Settings, model: Path, logs: Path = ROOT / "var" / "logs", rasa_token: str | None = None
) -> list[Service]:
    python = sys.executable
    # The HTTP API is on only so that `python -m bot model` can swap models without downtime; it asks a token.
    rasa_token = rasa_token or new_rasa_token()
    return [
        Service(
            "actieserver",
            [python, "-m", "bot", "actions"],
            f"http://{settings.host}:{settings.action_port}/health",
            logs / "actions.log",
        ),
        Service(
            "Rasa-server",
            rasa_command(settings, model, settings.host, settings.rasa_port, rasa_token),
            f"{settings.rasa_url}/webhooks/rest/",
            logs / "rasa.log",
        ),
        Service("webapp", [python, "-m", "bot", "web"], f"{settings.web_url}/health", logs / "web.log"),
    ]


def rasa_command(settings: Settings, model: Path, interface: str, port: int, rasa_token: str) -> list[str]:
    """A Rasa server with our channels and endpoints; `make cluster` starts several, each on its own port."""
    return [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--model",
        str(model),
        "--interface",
        interface,
        "--port",
        str(port),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--endpoints",
        str(ROOT / "endpoints.yml"),
        "--enable-api",
        # One argument: a token that starts with "-" (token_urlsafe makes one in 64) is no option.
        f"--auth-token={rasa_token}",
        "--cors",
        *settings.allowed_origins,
    ]


def new_rasa_token() -> str:
    return os.environ.get("JEP_RASA_TOKEN") or secrets.token_urlsafe(32)


def child_environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        JEP_ACTION_URL=settings.action_url,
        # Only Rasa knows this token, so only Rasa can call the actions.
        JEP_ACTION_TOKEN=os.environ.get("JEP_ACTION_TOKEN") or secrets.token_urlsafe(32),
        # Only the advisors' web app may speak in a live conversation.
        JEP_RELAY_TOKEN=os.environ.get("JEP_RELAY_TOKEN") or secrets.token_urlsafe(32),
        # The Rasa server signs the web chat's resume tokens with it; the web app checks them (feedback).
        JEP_SESSION_SECRET=settings.session_secret,
        PYTHONUNBUFFERED="1",
    )
    # The sentence embeddings run on one core in Rasa's parse thread while the event loop uses
    # the other (bot/rasa_plugins/off_loop.py). OpenMP reads this only when a process starts.
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def check_ports_free(settings: Settings) -> None:
    check_free(settings.host, [("actieserver", settings.action_port), ("Rasa-server", settings.rasa_port),
                               ("webapp", settings.web_port)])  # fmt: skip


def check_free(host: str, named_ports: list[tuple[str, int]]) -> None:
    for name, port in named_ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                raise RuntimeError(
                    f"poort {port} voor de {name} is al in gebruik; stop wat daar draait "
                    f"of kies een andere poort (zie README, Configuratie)"
                ) from None


def start(services: list[Service], env: dict[str, str]) -> None:
    for service in services:
        service.log.parent.mkdir(parents=True, exist_ok=True)
        with service.log.open("ab") as log:
            service.process = subprocess.Popen(
                service.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )


def wait_until_ready(services: list[Service], timeout: float = READY_TIMEOUT, logs: str = "var/logs") -> None:
    deadline = time.monotonic() + timeout
    pending = list(services)
    while pending:
        for service in list(pending):
            if service.process.poll() is not None:
                raise RuntimeError(f"{service.name} is gestopt (code {service.process.returncode}); zie {service.log}")
            if answers(service.health_url):
                print(f"  {service.name} draait", flush=True)
                pending.remove(service)
        if time.monotonic() > deadline:
            names = ", ".join(s.name for s in pending)
            raise RuntimeError(f"{names} niet klaar na {timeout:.0f} s; zie de logbestanden in {logs}")
        time.sleep(1)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def stop(services: list[Service]) -> None:
    for service in services:
        if service.process and service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGTERM)
    for service in services:
        if service.process:
            try:
                service.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(service.process.pid, signal.SIGKILL)


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def stop_on_signals(signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)) -> None:
    """These signals end the run as Ctrl-C does, also when started from a script that ignores SIGINT."""
    for number in signals:
        signal.signal(number, _interrupt)


def run(settings: Settings) -> int:
    print("1/4 Database bijwerken", flush=True)
    if upgrade_database(settings) != 0:
        return 1
    print("2/4 Kennisbank laden", flush=True)
    if load(settings, settings.knowledge_dir) != 0:
        return 1
    print("3/4 Model controleren", flush=True)
    model = active_model(settings)
    print("4/4 Diensten starten (het laden van het model duurt even)", flush=True)
    rasa_token = new_rasa_token()
    services = services_for(settings, model, rasa_token=rasa_token)
    stop_on_signals()
    try:
        check_ports_free(settings)
        write_token(rasa_token)
        start(services, child_environment(settings))
        wait_until_ready(services)
        print(f"\nDe assistent draait. Open {settings.web_url} in je browser.", flush=True)
        print("Logbestanden staan in var/logs. Stoppen: Ctrl-C.\n", flush=True)
        while True:
            for service in services:
                if service.process.poll() is not None:
                    raise RuntimeError(f"{service.name} is onverwacht gestopt; zie {service.log}")
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStoppen...", flush=True)
        return 0
    except RuntimeError as problem:
        print(f"fout: {problem}", file=sys.stderr)
        return 1
    finally:
        stop(services)
        remove_token(rasa_token)


def remove_token(token: str) -> None:
    # Only our own token: a second `make run` that found the ports taken leaves the first one's alone.
    if RASA_TOKEN_FILE.exists() and RASA_TOKEN_FILE.read_text() == token:
        RASA_TOKEN_FILE.unlink()


def write_token(token: str) -> None:
    """Only this user may read the token that opens Rasa's HTTP API."""
    RASA_TOKEN_FILE.parent.mkdir(parents=True, exist_ok=True)
    RASA_TOKEN_FILE.unlink(missing_ok=True)
    descriptor = os.open(RASA_TOKEN_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(token)
