"""The conversation lock without a Redis server: `make run`'s in-memory ticket lock, unchanged, and with
JEP_REDIS_URL set but Redis unreachable, a LockError after the wait, never a message without its lock.
With a real Redis: tests/cluster/test_lock_store_race.py."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import time
from pathlib import Path

import pytest
import rasa
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore
from rasa.core.utils import read_endpoint_config

from bot.config import ROOT
from bot.rasa_plugins.lock_store import ConversationLockStore
from tests.conftest import free_port


def unreachable(settings, lifetime: float = 0.4):
    return dataclasses.replace(settings, redis_url=f"redis://127.0.0.1:{free_port()}/0", lock_lifetime=lifetime)


async def overlaps(store: LockStore, conversations: list[str]) -> int:
    """The most messages inside the lock at once, when one arrives for each of `conversations` together."""
    inside, most = 0, 0

    async def message(conversation: str) -> None:
        nonlocal inside, most
        async with store.lock(conversation):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.02)
            inside -= 1

    await asyncio.gather(*(message(c) for c in conversations))
    return most


def test_endpoints_yml_gives_rasa_this_store(monkeypatch):
    monkeypatch.setenv("JEP_ACTION_URL", "http://localhost:1/webhook")
    monkeypatch.setenv("JEP_ACTION_TOKEN", "proef")
    monkeypatch.delenv("JEP_REDIS_URL", raising=False)
    store = LockStore.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store"))
    assert isinstance(store, ConversationLockStore) and store.leases is None


def test_rasa_only_ever_takes_the_lock_of_one_conversation():
    """Rasa's code calls `lock(conversation_id)` and nothing else, so nothing reaches the ticket path.
    A new Rasa version that calls more fails here: read its code and adapt lock_store.py."""
    used = set()
    for path in Path(rasa.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "lock_store." not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                named = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
                if named == "lock_store":
                    used.add((node.func.attr, len(node.args), tuple(k.arg for k in node.keywords)))
    assert used == {("lock", 1, ())}


def test_in_memory_one_message_of_a_conversation_at_a_time_others_in_parallel(settings):
    store = ConversationLockStore(settings=settings)
    assert isinstance(store, InMemoryLockStore) and store.leases is None
    assert asyncio.run(overlaps(store, ["web-a"] * 3)) == 1
    assert asyncio.run(overlaps(store, ["web-a", "web-b", "web-c"])) == 3
    assert store.conversation_locks == {}  # nothing kept once every message is through


def test_in_memory_it_is_rasas_ticket_lock(settings):
    store = ConversationLockStore(settings=settings)
    assert store.issue_ticket("web-a") == 0 and store.issue_ticket("web-a") == 1
    assert store.is_someone_waiting("web-a")


def test_an_unreachable_redis_means_a_lock_error_after_the_wait_never_the_message(settings):
    store = ConversationLockStore(settings=unreachable(settings, lifetime=0.4))
    processed = []

    async def message() -> None:
        async with store.lock("web-a"):
            processed.append("web-a")

    started = time.monotonic()
    with pytest.raises(LockError):
        asyncio.run(message())
    assert 0.4 <= time.monotonic() - started < 2.0 and processed == []


def test_with_redis_nothing_goes_down_rasas_ticket_path(settings):
    store = ConversationLockStore(settings=unreachable(settings))
    with pytest.raises(LockError):
        store.issue_ticket("web-a")
