"""The insights page's render time over HTTP: `python -m bench.insights --page [--conversations 10000]`.

Generates the conversations of bench/insights.py into a temporary store, starts `python -m bot web` on it,
signs in as an analyst and asks for /beheer/inzicht: once cold (the first view catches up the rollup
and embeds the period's gaps), then RUNS times for the default period (the last four weeks, per week)
and for a year per week. Reports the median and p95 of the round trips on 127.0.0.1, which is the
server's time plus a fraction of a millisecond. The target is a p95 under 500 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine

from bench.common import free_port
from bot.advisors.accounts import AccountService
from bot.config import ROOT
from bot.store import make_engine, make_sessionmaker

RUNS = 30
PASSWORD = "een-lang-benchwachtwoord"


def started(base: str, tries: int = 240) -> bool:
    for _ in range(tries):
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                return True
        except requests.ConnectionError:
            time.sleep(0.5)
    return False


def timed_get(session: requests.Session, url: str, params: dict | None = None) -> float:
    began = time.perf_counter()
    reply = session.get(url, params=params, timeout=600)
    # A database busy with the start-up catch-up answers 503 with Retry-After; a reader would try again.
    while reply.status_code == 503 and time.perf_counter() - began < 900:
        time.sleep(int(reply.headers.get("retry-after", "5")))
        reply = session.get(url, params=params, timeout=600)
    took = time.perf_counter() - began
    reply.raise_for_status()
    if "Kerncijfers" not in reply.text:  # a login page would be fast and wrong
        raise SystemExit(f"geen inzichtpagina op {reply.url}")
    return took


def measure(base: str) -> None:
    session = requests.Session()
    began, status = time.perf_counter(), None
    # The app catches up the rollup when it starts; a login that finds the database busy gets 503.
    while status != 303 and time.perf_counter() - began < 900:
        status = session.post(f"{base}/adviseurs/login", data={"username": "bench.analist", "password": PASSWORD},
                              allow_redirects=False, timeout=60).status_code  # fmt: skip
        if status != 303:
            time.sleep(2)
    print(f"inloggen: status {status} na {time.perf_counter() - began:.1f} s")
    page = f"{base}/beheer/inzicht"
    print(f"eerste keer (dagcijfers inhalen, hiaten inbedden): {timed_get(session, page) * 1000:.0f} ms")
    year = {"van": (date.today() - timedelta(days=364)).isoformat(), "tot": date.today().isoformat(), "per": "week"}
    timed_get(session, page, year)  # its clusters, cold
    for name, params in (("laatste 4 weken per week", None), ("1 jaar per week", year)):
        times = sorted(timed_get(session, page, params) for _ in range(RUNS))
        p95 = times[int(0.95 * (RUNS - 1))]
        print(f"pagina, {name}: mediaan {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
              f"({RUNS} keer)")  # fmt: skip


def page_bench(conversations: int, generate) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tracker = create_engine(f"sqlite:///{Path(folder) / 'tracker.db'}", future=True)
        factory = make_sessionmaker(make_engine(f"sqlite:///{Path(folder) / 'jep.db'}"))
        generate(tracker, factory, conversations)
        AccountService(factory).add("bench.analist", PASSWORD, role="analyst")
        port = free_port(18100, "127.0.0.1")
        env = dict(os.environ, JEP_WEB_PORT=str(port), JEP_HOST="127.0.0.1",
                   JEP_DB_URL=f"sqlite:///{Path(folder) / 'jep.db'}",
                   JEP_TRACKER_DB_URL=f"sqlite:///{Path(folder) / 'tracker.db'}")  # fmt: skip
        with (Path(folder) / "web.log").open("wb") as log:
            process = subprocess.Popen([sys.executable, "-m", "bot", "web"], cwd=ROOT, env=env, stdout=log,
                                       stderr=subprocess.STDOUT)  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            if not started(base):
                raise SystemExit("de webapp startte niet:\n" + (Path(folder) / "web.log").read_text()[-2000:])
            print(f"{conversations} gesprekken over een jaar tot 2026-12-31")
            measure(base)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # still embedding in a thread: not worth waiting for
                process.kill()
                process.wait()
