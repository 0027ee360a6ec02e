"""What every benchmark step shares: paths, progress output, percentiles, ports, the machine."""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.config import ROOT
from bot.knowledge.vectors import Progress

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
LOGS = RESULTS / "logs"
PYTHON = sys.executable


class BenchError(RuntimeError):
    """A step could not run; the message says what to look at."""


@contextmanager
def step(name: str) -> Iterator[dict]:
    """Prints what runs and how long it took; the dict receives the duration."""
    record: dict = {}
    print(f"▶ {name} ...", flush=True)
    started = time.monotonic()
    try:
        yield record
    finally:
        record["seconds"] = time.monotonic() - started
        print(f"  {name}: {record['seconds']:.1f} s", flush=True)


def embedding_progress(label: str) -> Progress:
    """A line that updates itself while a load embeds passages (on a machine whose vector cache lacks them)."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        left = (time.monotonic() - started) / done * (total - done) if done else 0.0
        end = "\n" if done == total else ""
        print(f"\r  {label}: {done}/{total} passages ingebed (nog ongeveer {left:.0f} s)   ", end=end, flush=True)

    return show


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: a value that was really measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def free_port(preferred: int, host: str = "localhost") -> int:
    """`preferred` if nothing listens there, else the next free one above it."""
    for port in range(preferred, preferred + 200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise BenchError(f"geen vrije poort gevonden vanaf {preferred}")


def quiet_env(**extra: str) -> dict[str, str]:
    """Environment for Rasa children: no telemetry, no TensorFlow chatter."""
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a live process in MB: the kernel's own peak of its resident memory."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def load_average() -> float:
    """1-minute load average: other work on the machine skews the timings."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_model() -> str:
    """The processor's name as /proc/cpuinfo gives it ('' where it gives none, as on some ARM kernels)."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return ""


def commit() -> str:
    """HEAD's short hash, marked when the working tree holds changes the hash does not cover."""

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "onbekend (geen git)"
    return f"{head} met lokale wijzigingen" if git("status", "--porcelain") else head


@dataclass
class Task:
    """A command for the worker pool, with its own log file."""

    name: str
    command: list[str]
    log: Path
    env: dict[str, str] | None = None
    cwd: Path = ROOT
    seconds: float | None = None
    returncode: int | None = None


def run_parallel(tasks: list[Task], workers: int) -> None:
    """Runs the tasks `workers` at a time, longest first as given; raises if any failed."""
    done = 0
    lock = threading.Lock()

    def run(task: Task) -> None:
        nonlocal done
        task.log.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with task.log.open("wb") as log:
            result = subprocess.run(task.command, cwd=task.cwd, env=task.env, stdout=log, stderr=subprocess.STDOUT)
        task.seconds, task.returncode = time.monotonic() - started, result.returncode
        with lock:
            done += 1
            status = "klaar" if result.returncode == 0 else f"MISLUKT (code {result.returncode}, zie {task.log})"
            print(f"  [{done}/{len(tasks)}] {task.name}: {status} na {task.seconds:.0f} s", flush=True)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, tasks))
    failed = [t for t in tasks if t.returncode != 0]
    if failed:
        raise BenchError("mislukt: " + ", ".join(f"{t.name} (zie {t.log})" for t in failed))


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """These values in this process's environment (which services started meanwhile inherit), restored afterwards."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
