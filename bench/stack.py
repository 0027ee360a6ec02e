"""Start and stop the servers under test, and watch their memory.

Ours: the action server and the Rasa server from bot.runner, on free ports,
with temporary databases. The reference: a bare `rasa init --no-prompt` bot,
as a team has it out of the box (Rasa's in-memory tracker store).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.common import LOGS, PYTHON, Task, free_port, peak_rss_mb, quiet_env
from bot.config import Settings, load_settings
from bot.runner import Service, child_environment, services_for, start, stop, wait_until_ready

READY_TIMEOUT = 300


@dataclass
class Stack:
    name: str
    services: list[Service]
    env: dict[str, str]
    rasa_url: str
    cwd: Path | None = None

    def start(self, services: list[Service] | None = None, env: dict[str, str] | None = None) -> float:
        """Starts (some of) the services and waits until they answer; returns the seconds that took."""
        started = time.monotonic()
        services = services or self.services
        start(services, env or self.env)
        try:
            wait_until_ready(services, timeout=READY_TIMEOUT)
        except RuntimeError as problem:
            stop(services)
            logs = ", ".join(str(s.log) for s in services)
            raise RuntimeError(f"{self.name}: {problem} (logbestanden: {logs})") from None
        return time.monotonic() - started

    def stop(self, services: list[Service] | None = None) -> None:
        stop(services or self.services)

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)


def our_settings(work: Path) -> Settings:
    """Free ports near 15005/15055/18000 and databases in `work`, never the developer's."""
    return replace(
        load_settings(),
        host="localhost",
        rasa_port=free_port(15005),
        action_port=free_port(15055),
        web_port=free_port(18000),
        db_url=f"sqlite:///{work / 'jep.db'}",
        tracker_db_url=f"sqlite:///{work / 'tracker.db'}",
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """What a child process needs to see `settings` through bot.config.load_settings()."""
    env = quiet_env()
    env.update(child_environment(settings))
    env.update(
        JEP_DB_URL=settings.db_url,
        JEP_TRACKER_DB_URL=settings.tracker_db_url,
        JEP_HOST=settings.host,
        JEP_RASA_PORT=str(settings.rasa_port),
        JEP_ACTION_PORT=str(settings.action_port),
        JEP_WEB_PORT=str(settings.web_port),
        # The load levels send every conversation from this one address, on purpose.
        JEP_ADDRESS_MESSAGES_PER_MINUTE="1000000",
    )
    return env


def our_stack(settings: Settings, model: Path) -> Stack:
    # The web app only relays REST calls; the load goes to the Rasa server directly.
    services = [s for s in services_for(settings, model) if s.name != "webapp"]
    for service in services:
        service.log = LOGS / f"ours-{'actions' if service.name == 'actieserver' else 'rasa'}.log"
    return Stack("JEP", services, settings_env(settings), settings.rasa_url)


def reference_init_task(directory: Path, env: dict[str, str]) -> Task:
    """`rasa init --no-prompt`: creates the starter project and trains its model."""
    directory.mkdir(parents=True, exist_ok=True)
    command = [PYTHON, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(directory)]
    return Task("referentiebot (rasa init --no-prompt)", command, LOGS / "reference-init.log", env=env, cwd=directory)


def reference_stack(directory: Path) -> Stack:
    port = free_port(15006)
    command = [
        PYTHON, "-m", "rasa", "run",
        "--model", str(directory / "models"),
        "--interface", "localhost",
        "--port", str(port),
        "--credentials", str(directory / "credentials.yml"),
        "--endpoints", str(directory / "endpoints.yml"),
    ]  # fmt: skip
    url = f"http://localhost:{port}"
    service = Service("Rasa-server", command, f"{url}/webhooks/rest/", LOGS / "reference-rasa.log")
    return Stack("referentie", [service], quiet_env(), url, cwd=directory)


@dataclass
class PeakMemory:
    """Samples VmHWM of the watched processes twice a second; keeps the highest per label."""

    interval: float = 0.5
    peaks: dict[str, float] = field(default_factory=dict)
    _watch: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def watch(self, label: str, pid: int) -> None:
        self._watch[label] = pid

    def sample(self) -> None:
        for label, pid in list(self._watch.items()):
            value = peak_rss_mb(pid)
            if value is not None:
                self.peaks[label] = max(value, self.peaks.get(label, 0.0))

    def forget(self, label: str) -> None:
        """Takes a last sample, then stops watching (call before stopping the process)."""
        self.sample()
        self._watch.pop(label, None)

    def __enter__(self) -> PeakMemory:
        def loop() -> None:
            while not self._stop.wait(self.interval):
                self.sample()

        threading.Thread(target=loop, daemon=True).start()
        return self

    def __exit__(self, *_exc) -> None:
        self.sample()
        self._stop.set()
