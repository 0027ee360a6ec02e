"""A Redis 7 server of our own, on 127.0.0.1, whose data survives a restart.

Conversation locks and rate limits live here; with appendonly and appendfsync always every write
is on disk before Redis answers, so a restarted Redis still knows which conversation is locked.
It runs in the foreground as a child of ours (as the user `jep` when we are root).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bot.cluster.packages import REDIS_SERVER
from bot.cluster.service_user import check_reachable, command_as, hand_over

START_TIMEOUT = 30
STOP_TIMEOUT = 15


class RedisFailed(RuntimeError):
    pass


@dataclass
class RedisServer:
    data_dir: Path
    port: int
    log: Path
    user: str | None = None  # the system user it runs as; None: the current one
    host: str = "127.0.0.1"
    process: subprocess.Popen | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Written into redis.conf, read by a server running elsewhere: only absolute paths.
        self.data_dir, self.log = self.data_dir.resolve(), self.log.resolve()

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "redis.conf"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "redis.pid"

    def config_text(self) -> str:
        return "\n".join(
            [
                f"bind {self.host}",
                f"port {self.port}",
                "protected-mode yes",
                "daemonize no",
                f'dir "{self.data_dir}"',
                f'logfile "{self.log}"',
                f'pidfile "{self.pid_file}"',
                # Every write on disk before the answer; the append-only file is the only copy.
                "appendonly yes",
                "appendfsync always",
                'save ""',
                "",
            ]
        )

    def start(self, timeout: float = START_TIMEOUT) -> None:
        self._stop_leftover()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        self.config_file.write_text(self.config_text(), encoding="utf-8")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.touch()
        hand_over(self.data_dir, self.user)
        hand_over(self.log, self.user)
        check_reachable(self.data_dir, self.user)
        self.process = subprocess.Popen(
            command_as(self.user, [REDIS_SERVER, self.config_file]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C in the terminal reaches us, and we stop it in order
        )
        self._wait_until_ready(timeout)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM: Redis finishes the append-only file and exits."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _stop_leftover(self) -> None:
        """The Redis of a run that ended without stopping it (killed, or its terminal gone) still holds the
        port and the data: it finishes its append-only file on SIGTERM, and then this one starts."""
        try:
            pid = int(self.pid_file.read_text(encoding="utf-8").strip())
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            return
        if b"redis-server" not in command or (self.process is not None and self.process.pid == pid):
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    def _wait_until_ready(self, timeout: float) -> None:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self.process.poll() is not None:
                    code = self.process.returncode
                    raise RedisFailed(f"Redis is gestopt bij het starten (code {code}); zie {self.log}")
                try:
                    if client.ping():  # answers only once the append-only file is loaded
                        return
                except redis.exceptions.RedisError:
                    pass
                if time.monotonic() > deadline:
                    raise RedisFailed(f"Redis niet klaar na {timeout:.0f} s; zie {self.log}")
                time.sleep(0.1)
        finally:
            client.close()
