"""Load generator: concurrent five-turn conversations over Rasa's REST channel.

Closed loop without think time: each of `concurrency` workers sends a turn as
soon as the previous answer is in, so turns/s is what the stack can carry and
latency includes the queueing a busy server adds.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

from bench.common import percentile
from bench.messages import conversation

TIMEOUT = aiohttp.ClientTimeout(total=60)


@dataclass
class Turn:
    sender: str
    kind: str
    text: str
    seconds: float
    ok: bool
    error: str = ""


async def _send(session: aiohttp.ClientSession, url: str, sender: str, kind: str, message: str) -> Turn:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": message}) as reply:
            body = await reply.json(content_type=None)
            ok = reply.status == 200 and isinstance(body, list)
            error = "" if ok else f"HTTP {reply.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError) as problem:
        ok, error = False, type(problem).__name__
    return Turn(sender, kind, message, time.perf_counter() - started, ok, error)


async def _run(base_url: str, prefix: str, concurrency: int, conversations: int) -> tuple[list[Turn], float]:
    url = f"{base_url}/webhooks/rest/webhook"
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(conversations):
        queue.put_nowait(number)
    turns: list[Turn] = []

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            number = queue.get_nowait()
            sender = f"{prefix}-{number}-{uuid.uuid4().hex[:8]}"
            for kind, message in conversation(number):
                turns.append(await _send(session, url, sender, kind, message))

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=TIMEOUT) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return turns, wall


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far: where the time of a turn goes."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in clock ticks


def run_level(base_url: str, prefix: str, concurrency: int, conversations: int, pids: dict[str, int]) -> dict:
    """One load level; `pids` are the server processes whose CPU time is charged to it."""
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    own_before = time.process_time()
    turns, wall = asyncio.run(_run(base_url, prefix, concurrency, conversations))
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    cpu["loadgenerator"] = time.process_time() - own_before
    ok = [t for t in turns if t.ok]
    latencies = [t.seconds * 1000 for t in ok]
    by_kind = {}
    for kind in dict.fromkeys(t.kind for t in turns):
        values = [t.seconds * 1000 for t in ok if t.kind == kind]
        by_kind[kind] = {"p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95)}
    return {
        "concurrency": concurrency,
        "conversations": conversations,
        "turns": len(turns),
        "errors": len(turns) - len(ok),
        "error_kinds": sorted({t.error for t in turns if not t.ok}),
        "wall_seconds": wall,
        "turns_per_second": len(ok) / wall if wall else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "by_kind": by_kind,
        "cpu_ms_per_turn": {name: 1000 * seconds / max(1, len(turns)) for name, seconds in cpu.items()},
        "_sent": [(t.sender, t.text) for t in ok],
    }


def warm_up(base_url: str, prefix: str) -> float:
    """Two conversations nobody measures: TensorFlow builds its graphs on the first messages."""
    started = time.perf_counter()
    turns, _ = asyncio.run(_run(base_url, prefix, 1, 2))
    failed = [t for t in turns if not t.ok]
    if failed:
        raise RuntimeError(f"opwarmen bij {base_url} mislukt: {failed[0].error}")
    return time.perf_counter() - started


def lost_user_events(tracker_db_url: str, sent: list[tuple[str, str]]) -> dict:
    """Compares every answered turn with the user events in Rasa's SQL tracker store.

    Lost: a conversation has fewer user events than answered turns. The REST
    channel redacts personal data before Rasa stores a message, so a stored
    text may differ from the one sent; those are counted, not lost.
    """
    expected: dict[str, list[str]] = {}
    for sender, message in sent:
        expected.setdefault(sender, []).append(message)
    engine = create_engine(tracker_db_url, future=True)
    stored: dict[str, list[str]] = {}
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id"))
        for sender, data in rows:
            if sender in expected:
                stored.setdefault(sender, []).append(json.loads(data).get("text"))
    engine.dispose()
    lost = sum(max(0, len(messages) - len(stored.get(sender, []))) for sender, messages in expected.items())
    changed = sum(
        sum(a != b for a, b in zip(messages, stored.get(sender, []), strict=False))
        for sender, messages in expected.items()
    )
    return {"turns_checked": len(sent), "conversations": len(expected), "lost": lost, "text_changed": changed}


def round_trips(base_url: str, prefix: str, questions: list[str]) -> dict:
    """Knowledge questions one at a time, each in a fresh conversation."""

    async def ask() -> list[Turn]:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            url = f"{base_url}/webhooks/rest/webhook"
            return [await _send(session, url, f"{prefix}-{i}-{uuid.uuid4().hex[:8]}", "q", q)
                    for i, q in enumerate(questions)]  # fmt: skip

    turns = asyncio.run(ask())
    latencies = [t.seconds * 1000 for t in turns if t.ok]
    return {
        "questions": len(turns),
        "errors": sum(not t.ok for t in turns),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
    }
