"""Retraining started from the maintainers' page: `python -m bot model retrain` as a background
process with its output in var/retrain/<stamp>.log.

A lock file holds the running process's PID, so a second run is refused, also by a web app that
was restarted meanwhile; a lock whose process is gone is stale and taken over. A run started
from a shell (`make retrain`) takes the same lock and copies its progress lines into a log of
its own, so the page shows it as well.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bot.config import ROOT, child_process_environment
from bot.training.progress import PROGRESS_LINE
from bot.training.rasa_commands import RASA_ENV
from bot.training.registry import Registry, Version

COMMAND = (sys.executable, "-m", "bot", "model", "retrain")
FOLDER = ROOT / "var" / "retrain"
STAMP = "%Y%m%d-%H%M%S"  # the gate names its versions with the same UTC stamp
TAIL = 20


class AlreadyRunning(RuntimeError):
    pass


@dataclass(frozen=True)
class Run:
    stamp: str
    running: bool
    steps: list[str]  # the gate's own progress lines
    tail: list[str]  # the last lines of all output, Rasa's included
    seconds: float  # elapsed, or how long it took
    exit_code: int | None  # None while running, or when it ended unseen (the web app restarted)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def version_of(registry: Registry, run: Run) -> Version | None:
    """The version a run registered: the first with a report created at or after the run started."""
    return next((v for v in registry.versions if v.report and v.created_at >= run.stamp), None)


class RetrainJob:
    def __init__(self, folder: Path = FOLDER, command: tuple[str, ...] = COMMAND, cwd: Path = ROOT, clock=None):
        self.folder = folder
        self.command = list(command)
        self.cwd = cwd
        self.lock = folder / "lock"
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._starting = threading.Lock()

    def start(self) -> str:
        """Starts a run and returns its stamp; AlreadyRunning if one is busy."""
        with self._starting:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            try:
                stamp = self.clock().strftime(STAMP)
                (self.folder / f"{stamp}.exit").unlink(missing_ok=True)  # a run earlier in the same second
                with (self.folder / f"{stamp}.log").open("wb") as out:
                    process = subprocess.Popen(
                        self.command, cwd=self.cwd, env=child_process_environment(**RASA_ENV), stdin=subprocess.DEVNULL,
                        stdout=out, stderr=subprocess.STDOUT,
                        start_new_session=True,  # a restart of the web app does not stop the training
                    )  # fmt: skip
                self._write_lock(process.pid, stamp)
            except BaseException:
                self.lock.unlink(missing_ok=True)
                raise
        threading.Thread(target=self._reap, args=(process, stamp), daemon=True).start()
        return stamp

    def run_here(self, work: Callable[[], int]) -> int:
        """Runs work (the retrain) in this process under the lock; AlreadyRunning if a run is busy.

        A run the page started holds the lock already: for this process, or for its parent (the web
        app) in the moment before the lock names the child.
        """
        held = _read(self.lock)
        if held and held["pid"] in (os.getpid(), os.getppid()):
            return work()
        with self._starting:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            stamp = self.clock().strftime(STAMP)
            self._write_lock(os.getpid(), stamp)
        code = 1
        try:
            with (self.folder / f"{stamp}.log").open("w", encoding="utf-8") as log:
                with redirect_stdout(_Tee(sys.stdout, log)):
                    code = work()
        finally:
            (self.folder / f"{stamp}.exit").write_text(str(code), encoding="utf-8")
            held = _read(self.lock)
            if held and held.get("pid") == os.getpid():
                self.lock.unlink(missing_ok=True)
        return code

    def refuse_rollback_while_running(self) -> None:
        """AlreadyRunning while a retrain runs: its candidate would be activated over the rollback."""
        if self.holder() is not None:
            raise AlreadyRunning("Er loopt een hertraining; zet pas terug als die klaar is.")

    def holder(self) -> dict | None:
        """The lock's {"pid", "stamp"} while its process lives; None when nothing runs."""
        held = _read(self.lock)
        return held if held and alive(held["pid"]) else None

    def latest(self) -> Run | None:
        """The running run, else the last one; None before the first."""
        held = self.holder()
        logs = sorted(self.folder.glob("????????-??????.log"))
        stamp = held["stamp"] if held and held.get("stamp") else logs[-1].stem if logs else None
        if stamp is None:
            return None
        log, done = self.folder / f"{stamp}.log", self.folder / f"{stamp}.exit"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        # Rasa's progress bars redraw with carriage returns: each redraw is a line of its own.
        lines = [line.rstrip() for line in re.split(r"[\r\n]+", text) if line.strip()]
        running = bool(held) and held.get("stamp") in (None, stamp)  # None: being started
        began = datetime.strptime(stamp, STAMP).replace(tzinfo=timezone.utc)
        ended = self.clock() if running else _modified(done if done.exists() else log, began)
        code = int(done.read_text(encoding="utf-8")) if done.exists() else None
        steps = [line for line in lines if PROGRESS_LINE.match(line)]
        return Run(stamp, running, steps, lines[-TAIL:], max(0.0, (ended - began).total_seconds()), code)

    def _take_lock(self) -> None:
        for _ in range(2):
            claim = self.folder / f"lock.{os.getpid()}"
            claim.write_text(json.dumps({"pid": os.getpid(), "stamp": None}), encoding="utf-8")
            try:
                os.link(claim, self.lock)  # atomic: fails if the lock exists, never leaves half a file
                return
            except FileExistsError:
                if self.holder() is not None:
                    raise AlreadyRunning("Er loopt al een hertraining. Wacht tot die klaar is.") from None
                self.lock.unlink(missing_ok=True)  # stale: its process is gone
            finally:
                claim.unlink(missing_ok=True)
        raise AlreadyRunning("Er is net een andere hertraining gestart.")

    def _write_lock(self, pid: int, stamp: str) -> None:
        fresh = self.folder / f"lock.{os.getpid()}"
        fresh.write_text(json.dumps({"pid": pid, "stamp": stamp}), encoding="utf-8")
        os.replace(fresh, self.lock)

    def _reap(self, process: subprocess.Popen, stamp: str) -> None:
        """Waits for the run (so it leaves no zombie that looks alive), records its exit code, frees the lock."""
        code = process.wait()
        (self.folder / f"{stamp}.exit").write_text(str(code), encoding="utf-8")
        held = _read(self.lock)
        if held and held.get("pid") == process.pid:
            self.lock.unlink(missing_ok=True)


class _Tee:
    """Writes to the terminal and to the run's log at once."""

    def __init__(self, *streams):
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def _read(lock: Path) -> dict | None:
    try:
        held = json.loads(lock.read_text(encoding="utf-8"))
        return held if isinstance(held, dict) and isinstance(held.get("pid"), int) else None
    except (OSError, ValueError):
        return None


def _modified(path: Path, default: datetime) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc) if path.exists() else default
