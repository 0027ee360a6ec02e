from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sanic import Sanic

from bot.config import ROOT
from bot.store import make_engine, make_sessionmaker
from tests.conftest import free_port


def answers(base: str, tries: int, pause: float) -> bool:
    """Whether the web app at base answers /health within tries × pause seconds."""
    for _ in range(tries):
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                return True
        except requests.ConnectionError:
            time.sleep(pause)
    return False


@contextmanager
def running(args: list[str], env: dict[str, str], base: str, log: Path):
    """`python -m bot <args>` as a real process, until its /health answers; stopped afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    try:
        if not answers(base, tries=120, pause=0.5):
            pytest.fail(f"`python -m bot {' '.join(args)}` did not start; see {log}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def database(folder: Path):
    """The web process's own database in folder (jep.db): for a fixture to fill, or a test to read."""
    return make_sessionmaker(make_engine(f"sqlite:///{folder / 'jep.db'}"))


@pytest.fixture(scope="module")
def tmp(tmp_path_factory, request):
    """A folder for this test module's web process: its databases and its log."""
    return tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])


@pytest.fixture(scope="module")
def factory(tmp):
    """The database of the module's web process (not the in-memory one of tests/conftest.py)."""
    return database(tmp)


@contextmanager
def web_process(folder: Path, port: int | None = None, log: Path | None = None, **settings: str):
    """`python -m bot web` on 127.0.0.1 (at a free port unless given), with its databases in folder and its log
    in folder/web.log unless given; settings are more JEP_* variables. Yields its base URL."""
    port = port or free_port()
    env = dict(os.environ, JEP_WEB_PORT=str(port), JEP_HOST="127.0.0.1", JEP_DB_URL=f"sqlite:///{folder / 'jep.db'}",
               JEP_TRACKER_DB_URL=f"sqlite:///{folder / 'tracker.db'}", **settings)  # fmt: skip
    with running(["web"], env, f"http://127.0.0.1:{port}", log or folder / "web.log") as base:
        yield base


@contextmanager
def serving(app: Sanic, port: int):
    """The web app in a thread of this process, for tests that hand it objects (a temporary data
    folder, a stand-in command) no environment variable can carry; stopped afterwards."""
    loops = []
    # Sanic 21.12 rewrites its request handler on the class when an app starts (TouchUp); in test
    # mode it keeps the original, so that a second app in this process can start from it too.
    Sanic.test_mode = True

    @app.after_server_start
    async def remember_loop(_app, loop):
        loops.append(loop)

    options = {"host": "127.0.0.1", "port": port, "access_log": False, "motd": False, "register_sys_signals": False}
    thread = threading.Thread(target=app.run, kwargs=options, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    if not answers(base, tries=120, pause=0.25):
        pytest.fail("the web app did not start in its thread")
    try:
        yield base
    finally:
        loops[0].call_soon_threadsafe(app.stop)
        thread.join(timeout=15)
