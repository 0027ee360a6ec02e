"""The lock the Rasa server takes around each message of a conversation (endpoints.yml `lock_store`).

Without JEP_REDIS_URL (`make run`) it is Rasa's own in-memory ticket lock, unchanged.

With it, two replicas serve the same conversations, and Rasa 3.6's `RedisLockStore` is not
safe for that: `issue_ticket` reads a conversation's ticket queue, adds a ticket and writes
the queue back in three steps, so two servers can both be served at once (RasaHQ/rasa#9213;
its fix was reverted and lives on in Rasa Pro only). Here a conversation's lock is a lease
in Redis, the single-instance pattern of Redis's documentation:

- taking it is `SET key token NX PX lifetime` with a fresh random token, tried again after
  short async pauses until it succeeds or the wait is over, then Rasa's `LockError`: no
  message is processed without it, also not while Redis restarts;
- giving it back deletes the key only while it still holds the same token (a Lua script), so
  a holder whose lease ran out never frees the next holder's; a give-back Redis does not
  answer is tried again in the background, and the lease runs out by itself at the latest;
- a holder that dies frees the conversation after JEP_LOCK_LIFETIME; one that lives renews
  its lease while it works, so a slow turn is never overlapped by the next message;
- who waits takes the lock in no particular order, but one at a time, each with the same chance;
  a waiter waits as long as a dead holder could keep it, JEP_LOCK_LIFETIME.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import redis
import redis.asyncio
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError
from rasa.utils.endpoints import EndpointConfig

from bot.config import Settings, load_settings
from bot.shared_redis import KEY_PREFIX, OutageLog, async_client

log = logging.getLogger(__name__)
outage = OutageLog("conversation locks", "messages wait for their conversation's lock until it answers")
FAILURES = (redis.RedisError, OSError)
# Seconds between tries to take a lease someone holds: the same for every waiter, so that a message
# that waits long has the same chance at each turn as one that just came.
PAUSE = 0.01
RETRY = 0.1  # seconds between tries to renew or give back while Redis does not answer
GIVE_BACK_WAIT = 1.0  # seconds the holder waits for its give-back; then it goes on in the background

# Set only if free; or ours already: a try whose answer a restart lost may have set it.
TAKE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
"""
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
GIVE_BACK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisLeases:
    """At most one holder per conversation, across every process that uses the same Redis."""

    def __init__(self, client: redis.asyncio.Redis, lifetime: float) -> None:
        self.lifetime = lifetime
        self.lifetime_ms = max(1, round(lifetime * 1000))
        self._take = client.register_script(TAKE)
        self._renew = client.register_script(RENEW)
        self._give_back = client.register_script(GIVE_BACK)
        self._background: set[asyncio.Task] = set()

    @asynccontextmanager
    async def held(self, conversation_id: str) -> AsyncIterator[None]:
        key, token = f"{KEY_PREFIX}lock:{conversation_id}", secrets.token_hex(16)
        try:
            await self._acquire(conversation_id, key, token)
        except BaseException:  # the wait ran out or was cancelled, perhaps after Redis had set it
            self._start(self._release(key, token))
            raise
        renewing = self._start(self._renew_while_held(conversation_id, key, token))
        try:
            yield
        finally:
            renewing.cancel()
            await asyncio.wait({self._start(self._release(key, token))}, timeout=GIVE_BACK_WAIT)

    async def _acquire(self, conversation_id: str, key: str, token: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lifetime
        while True:
            try:
                taken = await self._take(keys=[key], args=[token, self.lifetime_ms])
            except FAILURES as error:
                outage.failed(error)
            else:
                outage.answered()
                if taken:
                    return
            left = deadline - loop.time()
            if left <= 0:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            await asyncio.sleep(min(PAUSE, left))

    async def _renew_while_held(self, conversation_id: str, key: str, token: str) -> None:
        pause = self.lifetime / 3
        while True:
            await asyncio.sleep(pause)
            try:
                renewed = await self._renew(keys=[key], args=[token, self.lifetime_ms])
            except FAILURES as error:
                outage.failed(error)
                pause = RETRY
                continue
            outage.answered()
            if not renewed:
                log.error("the lock of conversation %s ran out while one of its messages was processed",
                          conversation_id)  # fmt: skip
                return
            pause = self.lifetime / 3

    async def _release(self, key: str, token: str) -> None:
        """Tried until Redis answers, or until the lease has run out by itself anyway."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lifetime
        while True:
            try:
                await self._give_back(keys=[key], args=[token])
            except FAILURES as error:
                outage.failed(error)
            else:
                outage.answered()
                return
            if loop.time() >= deadline:
                return
            await asyncio.sleep(RETRY)

    def _start(self, work: Coroutine[Any, Any, None]) -> asyncio.Task:
        task = asyncio.create_task(work)
        self._background.add(task)  # asyncio keeps only a weak reference to a running task
        task.add_done_callback(self._background.discard)
        return task


class ConversationLockStore(InMemoryLockStore):
    """Rasa's in-memory ticket lock for one process; a lease in Redis per conversation for replicas."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, settings: Settings | None = None) -> None:
        """Rasa passes its endpoints.yml entry; what counts comes from bot/config.py."""
        super().__init__()
        settings = settings or load_settings()
        self.leases = None
        if settings.redis_url:
            self.leases = RedisLeases(async_client(settings.redis_url), settings.lock_lifetime)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[TicketLock | None]:
        """Rasa's callers pass only the conversation; with Redis, JEP_LOCK_LIFETIME sets lifetime and wait."""
        if self.leases is None:
            async with super().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as ticket_lock:
                yield ticket_lock
            return
        async with self.leases.held(conversation_id):
            yield None  # Rasa's callers wait for the lock; none of them reads it

    def save_lock(self, lock: TicketLock) -> None:
        if self.leases is not None:
            # Every ticket method ends here: with replicas a ticket queue is the race this module avoids.
            raise LockError("conversation locks are leases in Redis; Rasa's ticket queue is not used")
        super().save_lock(lock)
