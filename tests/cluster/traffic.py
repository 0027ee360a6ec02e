"""Traffic for the cluster tests and its bench: many conversations at once, and what the tracker stored.

`Traffic` drives K conversations of T turns against a Rasa URL (HAProxy's or one
replica's), half over the REST channel and half over socket.io like the widget:
websocket first, reconnecting by itself and asking its conversation back with
the resume token. Each conversation asks short Dutch questions from the search
evaluation (tests/search/questions/), every text once, so a stored message
names its turn. Every attempt is recorded: when it was sent, how long it took,
what came back (an answer, "niet ontvangen", the rate limit, nothing, an error).

A person whose message was "niet ontvangen", or whose request failed, sends it
again after a short wait; the driver does the same. `check_stored` then reads
the `user` events of these conversations from the tracker database and says,
per conversation, what was lost, stored twice or stored out of order. A message
whose request failed (a replica killed under it) may have been stored before
the failure: when it was sent again, its second copy is counted apart
(`resent_twice`), because the client could not know.

Each conversation comes from its own documentation address (X-Forwarded-For,
believed only from a trusted proxy), as professionals in different offices
would: the per-address limit is not what these tests measure.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import aiohttp
import socketio
import yaml
from sqlalchemy import create_engine

from bot.config import ROOT
from bot.privacy import redact
from bot.safety import looks_acute
from bot.store.tracker_events import TrackerEvents

QUESTIONS = ROOT / "tests" / "search" / "questions"
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
NOT_RECEIVED = RESPONSES["utter_not_received"][0]["text"]
RATE_LIMITED = RESPONSES["utter_rate_limited"][0]["text"]
STICKY_COOKIE = "JEPRASA"  # HAProxy's cookie: which replica holds a socket.io session

# What came back for one attempt.
ANSWER, NOT_STORED, LIMITED, SILENT, ERROR = "answer", "not_received", "rate_limited", "no_reply", "error"
UNCERTAIN = frozenset({SILENT, ERROR})  # the client cannot know whether the message was stored
FINAL = frozenset({ANSWER, LIMITED})  # a person would not send these again at once

REST, SOCKETIO = "rest", "socketio"
QUIET = 0.3  # no further bot_uttered for this long after the first: the turn's answer is complete
FIRST_REPLY = 5.0  # after the acknowledgement, the longest wait for a reply that goes through Redis


@lru_cache(maxsize=1)
def questions() -> tuple[str, ...]:
    """Short questions as professionals type them, left alone by the redaction and not acute."""
    texts = []
    for path in sorted(QUESTIONS.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            text = item["q"].strip()
            if len(text) <= 90 and redact(text).text == text and not looks_acute(text):
                texts.append(text)
    return tuple(dict.fromkeys(texts))


def script(number: int, turns: int) -> list[str]:
    """The texts of conversation `number`: `turns` different questions, a different mix per conversation."""
    pool = questions()
    if turns > len(pool):
        raise ValueError(f"hooguit {len(pool)} beurten per gesprek")
    return random.Random(number).sample(pool, turns)


def client_address(number: int) -> str:
    """A documentation address (RFC 5737) per conversation."""
    block, host = divmod(number, 254)
    return f"{('198.51.100', '203.0.113', '192.0.2')[block % 3]}.{host + 1}"


def _json(body: str) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return None


def reply_kind(replies: list[dict]) -> str:
    texts = [str(reply.get("text") or "") for reply in replies]
    if NOT_RECEIVED in texts:
        return NOT_STORED
    if RATE_LIMITED in texts:
        return LIMITED
    return ANSWER if replies else SILENT


@dataclass
class Attempt:
    conversation: str
    channel: str
    turn: int
    text: str
    started: float  # UNIX time, to compare with the moment of a fault and with other recorders
    seconds: float
    kind: str
    detail: str = ""  # the HTTP status, the refusal or the exception
    replies: list[dict] = field(default_factory=list)
    replica: str = ""  # HAProxy's cookie for a socket.io session, when it set one


class RestChat:
    """A tool that posts to the REST channel; no cookies, so HAProxy spreads its turns over the replicas."""

    channel = REST

    def __init__(self, url: str, sender: str, address: str, timeout: float) -> None:
        self.url, self.conversation, self.address = f"{url}/webhooks/rest/webhook", sender, address
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                          timeout=aiohttp.ClientTimeout(total=timeout))  # fmt: skip
        self.reconnects = self.sessions_lost = self.late_replies = 0

    async def open(self) -> None:
        """Nothing to open: every turn is a request of its own."""

    async def send(self, turn: int, text: str) -> Attempt:
        started, clock = time.time(), time.perf_counter()
        replies, kind, detail = [], ERROR, ""
        try:
            async with self.http.post(self.url, json={"sender": self.conversation, "message": text},
                                      headers={"X-Forwarded-For": self.address}) as reply:  # fmt: skip
                body = await reply.text()
            answer = _json(body)
            if reply.status == 200 and isinstance(answer, list):
                replies, kind = answer, reply_kind(answer)
            else:
                detail = f"HTTP {reply.status}: {answer.get('error') if isinstance(answer, dict) else body[:200]}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as problem:
            detail = f"{type(problem).__name__}: {problem}"
        return Attempt(self.conversation, REST, turn, text, started, time.perf_counter() - clock, kind, detail,
                       replies)  # fmt: skip

    async def close(self) -> None:
        await self.http.close()


class SocketChat:
    """The widget's way: socket.io, websocket first, back by itself after a drop with the resume token."""

    channel = SOCKETIO

    def __init__(self, url: str, origin: str, address: str, timeout: float) -> None:
        self.url, self.origin, self.address, self.timeout = url, origin, address, timeout
        # Its own cookie jar, that also keeps cookies of an IP address: HAProxy's sticky cookie per client.
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.sio = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=5,
                                        http_session=self.http)  # fmt: skip
        self.conversation, self.token = "", ""
        self.ready, self.down = asyncio.Event(), asyncio.Event()
        self.inbox: asyncio.Queue[dict] = asyncio.Queue()
        self.reconnects = self.sessions_lost = self.late_replies = 0
        self.sio.on("connect", self._connected)
        self.sio.on("disconnect", self._dropped)
        self.sio.on("session_confirm", self._confirmed)
        self.sio.on("bot_uttered", self.inbox.put_nowait)

    async def open(self) -> None:
        await self.sio.connect(self.url, headers={"Origin": self.origin, "X-Forwarded-For": self.address},
                               transports=["websocket", "polling"], wait_timeout=self.timeout)  # fmt: skip
        await asyncio.wait_for(self.ready.wait(), self.timeout)

    async def _connected(self) -> None:
        # Like widget.js: on every (re)connection, ask for the conversation this tab holds, if any.
        await self.sio.emit("session_request", {"session_id": self.conversation or None,
                                                "resume_token": self.token or None})  # fmt: skip

    async def _dropped(self, *_reason) -> None:
        self.ready.clear()
        self.down.set()

    async def _confirmed(self, confirmed: dict) -> None:
        if self.conversation:
            self.reconnects += 1
            self.sessions_lost += confirmed["session_id"] != self.conversation
        self.conversation, self.token = confirmed["session_id"], confirmed["resume_token"]
        self.down.clear()
        self.ready.set()

    @property
    def replica(self) -> str:
        cookies = self.http.cookie_jar.filter_cookies(self.url)
        return cookies[STICKY_COOKIE].value if STICKY_COOKIE in cookies else ""

    async def send(self, turn: int, text: str) -> Attempt:
        started, clock = time.time(), time.perf_counter()
        try:
            await asyncio.wait_for(self.ready.wait(), self.timeout)
        except asyncio.TimeoutError:
            return self._attempt(turn, text, started, clock, ERROR, "geen verbinding (niet opnieuw verbonden)")
        while not self.inbox.empty():  # the tail of an earlier turn's answer
            self.inbox.get_nowait()
            self.late_replies += 1
        call = asyncio.ensure_future(self.sio.call("user_uttered", {"message": text, "session_id": self.conversation},
                                                   timeout=self.timeout))  # fmt: skip
        drop = asyncio.ensure_future(self.down.wait())
        await asyncio.wait({call, drop}, return_when=asyncio.FIRST_COMPLETED)
        drop.cancel()
        if not call.done():  # the acknowledgement will never come: the connection is gone
            call.cancel()
            return self._attempt(turn, text, started, clock, ERROR, "verbinding verbroken")
        try:
            acknowledgement = call.result()
        except (socketio.exceptions.SocketIOError, asyncio.TimeoutError) as problem:
            return self._attempt(turn, text, started, clock, ERROR, f"{type(problem).__name__}: {problem}")
        if isinstance(acknowledgement, dict) and acknowledgement.get("error"):
            return self._attempt(turn, text, started, clock, ERROR, acknowledgement["error"])
        done = time.perf_counter()
        replies, last = await self._answer()
        return self._attempt(turn, text, started, clock, reply_kind(replies), "", replies, max(done, last))

    async def _answer(self) -> tuple[list[dict], float]:
        """The bot_uttered of this turn and when the last came: the first may trail the acknowledgement
        (it goes through Redis pub/sub), the turn is over after a quiet gap."""
        replies, wait, last = [], FIRST_REPLY, 0.0
        while True:
            try:
                replies.append(await asyncio.wait_for(self.inbox.get(), wait))
            except asyncio.TimeoutError:
                return replies, last
            wait, last = QUIET, time.perf_counter()

    def _attempt(self, turn, text, started, clock, kind, detail, replies=(), ended: float | None = None) -> Attempt:
        """An attempt that took from `clock` until `ended` (the acknowledgement or the last reply; default now)."""
        seconds = (ended or time.perf_counter()) - clock
        return Attempt(self.conversation, SOCKETIO, turn, text, started, seconds, kind, detail, list(replies),
                       self.replica)  # fmt: skip

    async def close(self) -> None:
        await self.sio.disconnect()
        await self.http.close()


@dataclass
class Conversation:
    number: int
    client: RestChat | SocketChat
    texts: list[str]
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.client.conversation

    @property
    def channel(self) -> str:
        return self.client.channel

    def of_turn(self, turn: int) -> list[Attempt]:
        return [a for a in self.attempts if a.turn == turn]


@dataclass
class Traffic:
    """K conversations of T turns at once; `run()` talks them through, resending what did not arrive."""

    url: str
    origin: str
    conversations: int = 20
    turns: int = 6
    socketio_share: float = 0.5
    timeout: float = 60.0  # one request, or a reconnection
    pause: tuple[float, float] = (0.2, 0.8)  # a person's pause between turns, seconds
    resend_after: float = 2.0
    give_up_after: float = 120.0  # per turn: the longest a person keeps sending one message again
    prefix: str = "cluster"
    talking: list[Conversation] = field(default_factory=list, init=False)
    _answered: int = field(default=0, init=False)
    _progress: asyncio.Event | None = field(default=None, init=False)

    def _client(self, number: int) -> RestChat | SocketChat:
        """socket.io for `socketio_share` of the conversations, spread evenly between the REST ones."""
        address = client_address(number)
        if int((number + 1) * self.socketio_share) > int(number * self.socketio_share):
            return SocketChat(self.url, self.origin, address, self.timeout)
        return RestChat(self.url, f"{self.prefix}-{number}-{random.getrandbits(32):08x}", address, self.timeout)

    async def run(self) -> list[Conversation]:
        self._progress = asyncio.Event()
        for number in range(self.conversations):
            self.talking.append(Conversation(number, self._client(number), script(number, self.turns)))
        try:
            await asyncio.gather(*(c.client.open() for c in self.talking))
            await asyncio.gather(*(self._talk(c) for c in self.talking))
        finally:
            await asyncio.gather(*(c.client.close() for c in self.talking), return_exceptions=True)
        return self.talking

    async def _talk(self, conversation: Conversation) -> None:
        pauses = random.Random(conversation.number)
        for turn, text in enumerate(conversation.texts):
            given_up = time.monotonic() + self.give_up_after
            while True:
                attempt = await conversation.client.send(turn, text)
                conversation.attempts.append(attempt)
                if attempt.kind in FINAL or time.monotonic() > given_up:
                    break
                await asyncio.sleep(self.resend_after)
            self._answered += attempt.kind == ANSWER
            self._progress.set()
            await asyncio.sleep(pauses.uniform(*self.pause))

    async def answered(self, at_least: int) -> None:
        """Returns once this many turns have been answered: the moment for a fault "in the middle"."""
        while self._answered < at_least:
            self._progress.clear()
            await self._progress.wait()

    @property
    def attempts(self) -> list[Attempt]:
        return [a for c in self.talking for a in c.attempts]


@dataclass
class Stored:
    """What the tracker kept of one conversation, measured against what its client sent and heard."""

    conversation: str
    channel: str
    lost: list[str] = field(default_factory=list)  # answered, not stored
    twice: list[str] = field(default_factory=list)  # stored more often than the client can explain
    resent_twice: list[str] = field(default_factory=list)  # a request failed, the resend stored it again
    out_of_order: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)  # the client gave up on these turns
    foreign: list[str] = field(default_factory=list)  # stored user texts this client never sent

    @property
    def clean(self) -> bool:
        return not (self.lost or self.twice or self.resent_twice or self.out_of_order or self.foreign)


def stored_events(tracker_db_url: str, conversation_ids: Iterable[str], kinds: Iterable[str]) -> dict[str, list[dict]]:
    """These conversations' events of these kinds ("user", "session_started", ...) in Rasa's tracker store,
    oldest first."""
    engine = create_engine(tracker_db_url, future=True)
    try:
        events = TrackerEvents(engine).read(kinds, list(conversation_ids), by_conversation=True)
    finally:
        engine.dispose()
    return {sender: [e.event for e in group]
            for sender, group in itertools.groupby(events, key=lambda e: e.conversation_id)}  # fmt: skip


def stored_user_texts(tracker_db_url: str, conversation_ids: Iterable[str]) -> dict[str, list[str]]:
    """The texts of these conversations' `user` events, oldest first."""
    events = stored_events(tracker_db_url, conversation_ids, ["user"])
    return {sender: [event.get("text") for event in group] for sender, group in events.items()}


def check_stored(tracker_db_url: str, conversations: list[Conversation]) -> list[Stored]:
    stored = stored_user_texts(tracker_db_url, [c.id for c in conversations])
    return [compare(conversation, stored.get(conversation.id, [])) for conversation in conversations]


def compare(conversation: Conversation, stored: list[str]) -> Stored:
    verdict = Stored(conversation.id, conversation.channel)
    turn_of = {text: turn for turn, text in enumerate(conversation.texts)}
    verdict.foreign = [text for text in stored if text not in turn_of]
    for turn, text in enumerate(conversation.texts):
        attempts, copies = conversation.of_turn(turn), stored.count(text)
        if not attempts:
            continue  # the run ended before this turn
        answered = any(a.kind == ANSWER for a in attempts)
        if not answered:
            verdict.unanswered.append(text)
        if answered and copies == 0:
            verdict.lost.append(text)
        # Each failed request may have stored its message; each resend after it may store it once more.
        uncertain = sum(a.kind in UNCERTAIN for a in attempts[:-1])
        excused = min(max(0, copies - 1), uncertain)
        verdict.resent_twice += [text] * excused
        verdict.twice += [text] * max(0, copies - 1 - excused)
    highest = -1
    for text in dict.fromkeys(t for t in stored if t in turn_of):  # first copies, in stored order
        if turn_of[text] < highest:
            verdict.out_of_order.append(text)
        highest = max(highest, turn_of[text])
    return verdict


def summary(conversations: list[Conversation], verdicts: list[Stored] | None = None) -> dict:
    """Counts for a test's message and the bench: what happened to every attempt and every stored event."""
    attempts = [a for c in conversations for a in c.attempts]
    counts = {kind: sum(a.kind == kind for a in attempts) for kind in (ANSWER, NOT_STORED, LIMITED, SILENT, ERROR)}
    figures = {
        "conversations": len(conversations),
        "attempts": len(attempts),
        **counts,
        "errors_seen": sorted({a.detail for a in attempts if a.kind == ERROR})[:5],
        "longest_seconds": round(max((a.seconds for a in attempts), default=0.0), 2),
        "reconnects": sum(c.client.reconnects for c in conversations),
        "sessions_lost": sum(c.client.sessions_lost for c in conversations),
        "late_replies": sum(c.client.late_replies for c in conversations),  # bot_uttered after its turn ended
    }
    if verdicts is not None:
        for name in ("lost", "twice", "resent_twice", "out_of_order", "unanswered", "foreign"):
            figures[name] = sum(len(getattr(v, name)) for v in verdicts)
    return figures


def drive(traffic: Traffic, *during) -> list[Conversation]:
    """Runs the traffic with the fault coroutines `during(traffic)` beside it, in a thread of its own.

    A thread of its own: Playwright's sync API may hold an event loop in the caller's thread.
    """

    async def both() -> list[Conversation]:
        talking = asyncio.ensure_future(traffic.run())
        faults = [asyncio.ensure_future(fault(traffic)) for fault in during]
        try:
            await asyncio.gather(talking, *faults)
        finally:
            for task in (talking, *faults):
                task.cancel()
        return traffic.talking

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, both()).result()
