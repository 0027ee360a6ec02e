"""Redis restarted under load: still never two messages of one conversation processed at the same time.

A deliberately slow action shows it. A small recording proxy sits between the replicas and the action
server: it holds every /webhook call for a second and notes when it began and ended, per conversation.
Each of 8 REST conversations sends its messages two at a time (a double click, a second tab), through
HAProxy without cookies, so the two usually land on different replicas: only the lock store in Redis
keeps them apart. In the middle Redis is stopped for 3 s and started again (its data kept: the locks
survive). No two calls of one conversation may overlap, every message is answered, and none waits
longer than the lock lifetime plus the turn of the other message of its pair.

Then the same check sees the harm when the locks are lost (the lock keys deleted while messages are in
flight, as a Redis without its data would lose them on a restart): this is what the first test rules out.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field

import aiohttp
import pytest
import redis
from aiohttp import web

from bot.shared_redis import KEY_PREFIX
from tests.cluster.conftest import running_cluster
from tests.cluster.traffic import ANSWER, SILENT, client_address, script
from tests.conftest import free_port

DELAY = 1.0  # seconds every action call is held
CONVERSATIONS, ROUNDS, AT_ONCE = 8, 4, 2
DOWN_FOR = 3.0  # seconds Redis is away during its restart
TURN = 10.0  # seconds a turn may take on a busy 2-core machine: NLU, slow actions, the queue


@dataclass
class Call:
    sender: str
    action: str
    began: float
    ended: float


@dataclass
class SlowActionProxy:
    """Between the Rasa replicas and the action server: each call held DELAY s, its time span recorded."""

    target: str = ""  # the action server's /webhook URL, known once the cluster has its ports
    port: int = field(default_factory=free_port)
    calls: list[Call] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    async def forward(self, request: web.Request) -> web.Response:
        began = time.monotonic()
        body = await request.read()
        await asyncio.sleep(DELAY)
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "content-type")}
        async with self.http.post(self.target, data=body, params=request.query, headers=headers) as reply:
            answer, status, kind = await reply.read(), reply.status, reply.content_type
        call = json.loads(body)
        self.calls.append(Call(call.get("sender_id", ""), call.get("next_action", ""), began, time.monotonic()))
        return web.Response(body=answer, status=status, content_type=kind)

    def __enter__(self) -> SlowActionProxy:
        ready = threading.Event()

        async def serve() -> None:
            self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
            app = web.Application()
            app.router.add_post("/webhook", self.forward)
            self.runner = web.AppRunner(app, access_log=None)
            await self.runner.setup()
            await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
            self.stopping = asyncio.Event()
            ready.set()
            await self.stopping.wait()
            await self.runner.cleanup()
            await self.http.close()

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(serve(),), daemon=True)
        self.thread.start()
        assert ready.wait(10), "de proxy startte niet"
        return self

    def __exit__(self, *_exc) -> None:
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(10)


def overlaps(calls: list[Call]) -> list[tuple[Call, Call]]:
    """Pairs of calls of one conversation that were in progress at the same moment."""
    found = []
    by_sender: dict[str, list[Call]] = {}
    for call in calls:
        by_sender.setdefault(call.sender, []).append(call)
    for own in by_sender.values():
        own.sort(key=lambda c: c.began)
        found += [(a, b) for a, b in zip(own, own[1:], strict=False) if b.began < a.ended]
    return found


@dataclass
class Sent:
    sender: str
    began: float
    seconds: float
    kind: str


async def bursts(rasa_url: str, prefix: str, rounds: int) -> list[Sent]:
    """Every conversation sends AT_ONCE messages at the same moment, `rounds` times, one burst after the other."""
    sent: list[Sent] = []

    async def one(http: aiohttp.ClientSession, sender: str, text: str, address: str) -> None:
        began = time.monotonic()
        try:
            async with http.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                 headers={"X-Forwarded-For": address}) as reply:  # fmt: skip
                body = await reply.json(content_type=None)
                kind = (ANSWER if body else SILENT) if reply.status == 200 else f"HTTP {reply.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as problem:
            kind = type(problem).__name__
        sent.append(Sent(sender, began, time.monotonic() - began, kind))

    async def conversation(number: int) -> None:
        sender, texts, address = f"{prefix}-{number}", script(number, rounds * AT_ONCE), client_address(number)
        # No cookies: HAProxy sends each request to the next replica.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                         timeout=aiohttp.ClientTimeout(total=120)) as http:  # fmt: skip
            for start in range(0, len(texts), AT_ONCE):
                await asyncio.gather(*(one(http, sender, text, address) for text in texts[start : start + AT_ONCE]))

    await asyncio.gather(*(conversation(number) for number in range(CONVERSATIONS)))
    return sent


@pytest.fixture(scope="module")
def slow_cluster(cluster_dir, postgres_server, redis_server):
    """A cluster of its own whose replicas call the action server through the slow recording proxy."""
    with SlowActionProxy() as proxy:
        with running_cluster(cluster_dir, postgres_server, redis_server, "jep_slow", action_url=proxy.url) as running:
            proxy.target = running.settings.action_url
            yield running, proxy


def run_with(during, rasa_url: str, prefix: str) -> tuple[list[Sent], dict]:
    """The bursts, with `during(moments)` beside them; what it noted of its moments."""
    moments: dict = {}

    async def both() -> list[Sent]:
        sent, _ = await asyncio.gather(bursts(rasa_url, prefix, ROUNDS), during(moments))
        return sent

    return asyncio.run(both()), moments


def test_a_redis_restart_never_lets_two_messages_of_one_conversation_in_at_once(slow_cluster):
    cluster, proxy = slow_cluster
    proxy.calls.clear()

    async def restart_redis(moments: dict) -> None:
        await asyncio.sleep(2 * DELAY)  # the first bursts are in their slow actions
        moments["from"] = time.monotonic()
        await asyncio.to_thread(cluster.redis_server.stop)
        await asyncio.sleep(DOWN_FOR)  # holders cannot renew or give back, waiters cannot take
        await asyncio.to_thread(cluster.redis_server.start)
        moments["until"] = time.monotonic()

    sent, restart = run_with(restart_redis, cluster.rasa_url, "slot")
    calls = [c for c in proxy.calls if c.sender.startswith("slot-")]
    waited = max(s.seconds for s in sent)
    print(f"\nRedis herstart in {restart['until'] - restart['from']:.1f} s; {len(sent)} berichten, "
          f"{len(calls)} trage actie-aanroepen, langste beurt {waited:.1f} s, "
          f"antwoorden: {sorted({s.kind for s in sent})}")  # fmt: skip

    assert len({c.sender for c in calls}) == CONVERSATIONS  # every conversation reached the slow action
    assert any(c.began < restart["until"] and c.ended > restart["from"] for c in calls), "herstart buiten de last"
    assert overlaps(calls) == []
    assert {s.kind for s in sent} == {ANSWER}
    # A message waits for the other one of its pair, and at worst for a lease nobody gave back.
    assert waited < cluster.settings.lock_lifetime + AT_ONCE * TURN


def test_the_check_sees_two_messages_at_once_when_redis_loses_the_locks(slow_cluster):
    """Not what happens: what the first test would see if the locks were lost (a Redis without its data)."""
    cluster, proxy = slow_cluster
    proxy.calls.clear()
    client = redis.Redis.from_url(cluster.redis_server.url)

    async def lose_the_locks(moments: dict) -> None:
        moments["until"] = time.monotonic() + ROUNDS * AT_ONCE * DELAY
        while time.monotonic() < moments["until"]:
            locks = await asyncio.to_thread(lambda: list(client.scan_iter(f"{KEY_PREFIX}lock:*")))
            if locks:
                await asyncio.to_thread(client.delete, *locks)
            await asyncio.sleep(0.1)

    run_with(lose_the_locks, cluster.rasa_url, "zonder")
    found = overlaps([c for c in proxy.calls if c.sender.startswith("zonder-")])
    print(f"\nzonder sloten: {len(found)} keer twee berichten van één gesprek tegelijk")
    assert found
