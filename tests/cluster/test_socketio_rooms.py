"""socket.io across two Rasa replicas sharing one real Redis (bot/rasa_plugins/webchat.py).

Each replica is a process of its own serving the web chat channel as the Rasa server does
(Rasa's `register`, with an agent that has no model: the channel's routes need only its
tracker store and lock store, here a shared SQLite file and the Redis lease). A professional's
python-socketio client is connected to replica A; the advisors' web app calls `/relay` on
replica B, as the load balancer may send it; the advisor's words reach the professional, and
only them, also after the professional started a new conversation on the same socket; and
replica B knows when the professional types on replica A.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from pathlib import Path

import pytest
import redis
import redis.asyncio
import requests
import socketio
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import ROOT
from bot.rasa_plugins.tracker_store import UrlSQLTrackerStore
from bot.rasa_plugins.webchat import ROOMS_CHANNEL
from tests.conftest import free_port

TOKEN = "proef-relaytoken"
SPAWN = multiprocessing.get_context("spawn")
WAIT = 10.0  # seconds a message may take from one replica to the other's socket: far more than it needs


def webchat_replica(port: int, environment: dict[str, str]) -> None:
    """A Rasa server's web chat channel, and nothing else of Rasa's: no model, no REST API."""
    os.environ.update(environment)
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import register
    from sanic import Sanic

    from bot.rasa_plugins.lock_store import ConversationLockStore
    from bot.rasa_plugins.webchat import WebChatInput

    app = Sanic(f"webchat_{port}")
    register([WebChatInput.from_credentials({})], app, route="/webhooks/")
    domain = Domain.load(ROOT / "domain.yml")
    app.ctx.agent = Agent(domain=domain, tracker_store=UrlSQLTrackerStore(domain), lock_store=ConversationLockStore())
    app.run(host="127.0.0.1", port=port, access_log=False)


def start_replica(environment: dict[str, str]) -> tuple[multiprocessing.Process, str]:
    port = free_port()
    process = SPAWN.Process(target=webchat_replica, args=(port, environment), daemon=True)
    process.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{url}/webhooks/webchat/", timeout=1).ok:
                return process, url
        except requests.ConnectionError:
            pass
        assert process.is_alive() and time.monotonic() < deadline, "web chat replica did not start"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def replicas(redis_server, tmp_path_factory):
    tracker_db = tmp_path_factory.mktemp("rooms") / "tracker.db"
    environment = {
        "JEP_REDIS_URL": redis_server.url,
        "JEP_TRACKER_DB_URL": f"sqlite:///{tracker_db}",
        "JEP_RELAY_TOKEN": TOKEN,
    }
    started = [start_replica(environment) for _ in range(2)]
    yield [url for _, url in started], tracker_db
    for process, _ in started:
        process.terminate()
        process.join(timeout=30)


class Professional:
    """The widget's side of socket.io: one socket, the conversation it holds, what it was sent."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[dict] = asyncio.Queue()
        self.received: asyncio.Queue[dict] = asyncio.Queue()
        self.client.on("session_confirm", self.confirmed.put)
        self.client.on("bot_uttered", self.received.put)

    async def connect(self, url: str) -> None:
        await self.client.connect(url, socketio_path="/socket.io", transports=["websocket"])

    async def new_conversation(self) -> str:
        await self.client.emit("session_request", {})
        return (await asyncio.wait_for(self.confirmed.get(), WAIT))["session_id"]

    async def next_message(self, within: float = WAIT) -> dict | None:
        try:
            return await asyncio.wait_for(self.received.get(), within)
        except asyncio.TimeoutError:
            return None


async def known_to_rasa(tracker_db: Path, conversation: str) -> None:
    """The conversation in the tracker store both replicas read, as after its first message."""
    domain = Domain.load(ROOT / "domain.yml")
    events = [SessionStarted(), ActionExecuted("action_listen"), UserUttered("Kan ik een adviseur spreken?")]
    tracker = DialogueStateTracker.from_events(conversation, events, domain.slots)
    await UrlSQLTrackerStore(domain, url=f"sqlite:///{tracker_db}").save(tracker)


async def relay(url: str, conversation: str, text: str) -> None:
    """What the advisors' web app sends: an advisor's words for a live conversation."""
    reply = await asyncio.to_thread(
        requests.post, f"{url}/webhooks/webchat/relay", json={"session_id": conversation, "text": text},
        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=WAIT,
    )  # fmt: skip
    assert reply.status_code == 200, reply.text


def typing_on(url: str, conversation: str) -> bool:
    """What the advisor's page is told by `/typing`."""
    reply = requests.get(f"{url}/webhooks/webchat/typing", params={"session_id": conversation},
                         headers={"Authorization": f"Bearer {TOKEN}"}, timeout=WAIT)  # fmt: skip
    return reply.json()["typing"]


async def eventually(condition) -> bool:
    """Whether `condition()` (blocking) holds within WAIT: a socket's event has no answer to wait for."""
    deadline = time.monotonic() + WAIT
    while not await asyncio.to_thread(condition):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def listening(redis_url: str, replicas: int) -> None:
    """Until the replicas with a socket listen on the shared channel (each begins with its first socket)."""
    client = redis.asyncio.Redis.from_url(redis_url)
    deadline = time.monotonic() + WAIT
    while dict(await client.pubsub_numsub(ROOMS_CHANNEL)).get(ROOMS_CHANNEL.encode(), 0) < replicas:
        assert time.monotonic() < deadline, "no replica listens on the shared channel"
        await asyncio.sleep(0.05)
    await client.close()


def test_an_advisors_words_relayed_on_one_replica_reach_the_socket_on_the_other(replicas, redis_server):
    (url_a, url_b), tracker_db = replicas

    async def scenario() -> None:
        anna, bram = Professional(), Professional()
        await anna.connect(url_a)
        await bram.connect(url_b)
        try:
            conversation, others = await anna.new_conversation(), await bram.new_conversation()
            await listening(redis_server.url, replicas=2)
            await known_to_rasa(tracker_db, conversation)

            await relay(url_b, conversation, "Hallo, u spreekt met een adviseur.")
            assert await anna.next_message() == {"text": "Hallo, u spreekt met een adviseur.", "advisor": True}
            await relay(url_a, conversation, "En via deze server?")  # the replica of the socket itself
            assert await anna.next_message() == {"text": "En via deze server?", "advisor": True}
            assert await bram.next_message(within=1.0) is None  # only the conversation's own room
            assert others != conversation

            # The professional types on replica A; the advisor's page asks replica B.
            await anna.client.emit("user_typing", {"typing": True})
            assert await eventually(lambda: typing_on(url_b, conversation))
            await anna.client.emit("user_typing", {"typing": False})
            assert await eventually(lambda: not typing_on(url_b, conversation))

            # "Nieuw gesprek": the socket leaves the old room; the old conversation's words no longer reach it.
            await anna.new_conversation()
            await relay(url_b, conversation, "Bent u er nog?")
            assert await anna.next_message(within=1.0) is None
        finally:
            await anna.client.disconnect()
            await bram.client.disconnect()

    asyncio.run(scenario())


def test_after_a_redis_restart_the_replicas_listen_again(replicas, redis_server):
    """What is emitted while a replica reconnects is lost for the socket (the tracker keeps it); after that
    every relay arrives again."""
    (url_a, url_b), tracker_db = replicas

    async def scenario() -> None:
        anna, bram = Professional(), Professional()
        await anna.connect(url_a)
        await bram.connect(url_b)  # so that both replicas listen, whichever test ran first
        try:
            conversation = await anna.new_conversation()
            await known_to_rasa(tracker_db, conversation)
            await listening(redis_server.url, replicas=2)
            await asyncio.to_thread(redis_server.restart)
            await listening(redis_server.url, replicas=2)
            await relay(url_b, conversation, "Nog steeds hier.")
            assert await anna.next_message() == {"text": "Nog steeds hier.", "advisor": True}
        finally:
            await anna.client.disconnect()
            await bram.client.disconnect()

    asyncio.run(scenario())
