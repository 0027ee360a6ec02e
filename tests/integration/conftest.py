from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from bot.config import ROOT


@contextmanager
def running(args: list[str], env: dict[str, str], base: str, log: Path):
    """`python -m bot <args>` as a real process, until its /health answers; stopped afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            pytest.fail(f"`python -m bot {' '.join(args)}` did not start; see {log}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)
