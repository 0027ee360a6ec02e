"""Keeps the cluster's processes running: one that exits is logged and started again.

A process that keeps exiting right after its start (a broken model, a port taken) is not started
a fourth time: then the cluster stops with an error, rather than burning the CPU on restarts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.runner import Service, start

QUICK_EXIT = 60.0  # seconds: an exit sooner than this after a start counts as a failed start
MAX_QUICK_EXITS = 3


@dataclass
class Supervised:
    service: Service
    env: dict[str, str] = field(repr=False)
    started_at: float = 0.0
    quick_exits: int = 0
    # The command as it must be at each (re)start: a replica loads the model active by then.
    command: Callable[[], list[str]] | None = field(default=None, repr=False)


class GivenUp(RuntimeError):
    pass


@dataclass
class Supervisor:
    members: list[Supervised]
    say: Callable[[str], None] = print
    stopping: threading.Event = field(default_factory=threading.Event)

    def start_all(self) -> None:
        for member in self.members:
            self._start(member)

    def check(self) -> None:
        """Start again whatever exited; raises GivenUp when one keeps failing at its start."""
        for member in self.members:
            code = member.service.process.poll() if member.service.process else None
            if code is None or self.stopping.is_set():
                continue
            lived = time.monotonic() - member.started_at
            member.quick_exits = member.quick_exits + 1 if lived < QUICK_EXIT else 0
            if member.quick_exits >= MAX_QUICK_EXITS:
                raise GivenUp(
                    f"{member.service.name} stopt steeds kort na het starten (code {code}); zie {member.service.log}"
                )
            self.say(f"{time.strftime('%H:%M:%S')} {member.service.name} is gestopt (code {code}); opnieuw starten")
            self._start(member)

    def watch(self, interval: float = 1.0) -> None:
        """check() every `interval` seconds until stop() is called."""
        while not self.stopping.wait(interval):
            self.check()

    def stop(self) -> None:
        """No more restarts: what stops from now on is being stopped."""
        self.stopping.set()

    def _start(self, member: Supervised) -> None:
        if member.command is not None:
            member.service.command = member.command()
        start([member.service], member.env)
        member.started_at = time.monotonic()
