"""Login throttling with exponential back-off, per client address and per submitted username.

No account is ever locked: that would let anyone who knows a name lock its owner out. Each
failed login makes the next attempt from the same address, and for the same name, wait: a
few failures are free, then 1, 2, 4, 8 … seconds up to a cap. The address is throttled
strictly (a guesser there soon waits 15 minutes per attempt); the name only mildly (at most
30 seconds), so a guesser elsewhere slows its owner down but cannot shut them out. Names that
do not exist are throttled exactly like real ones, so the throttle tells nobody which exist.

Every attempt is counted before its password is checked, by an UPDATE that only succeeds
while no wait is due, so a burst of parallel attempts cannot slip past the limit; a success
takes its count back.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.store import unit_of_work
from bot.store.models import LoginThrottle as Row


@dataclass(frozen=True)
class Backoff:
    free: int  # failures that cost no wait
    cap: timedelta  # the longest wait
    forget: timedelta  # this long without a failure and the count starts over

    def wait(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.cap, timedelta(seconds=2 ** min(failures - self.free, 20)))


# An office behind one address may mistype a few times; a guesser there is slowed to a crawl.
PER_ADDRESS = Backoff(free=10, cap=timedelta(minutes=15), forget=timedelta(hours=1))
# Modest on purpose: the owner of an attacked name waits at most half a minute.
PER_NAME = Backoff(free=5, cap=timedelta(seconds=30), forget=timedelta(minutes=15))


class LoginThrottled(Exception):
    def __init__(self, seconds: int):
        super().__init__(f"next login attempt in {seconds} s")
        self.seconds = seconds


class _WaitDue(Exception):
    """Raised inside the counting transaction so nothing of this attempt is kept."""


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8", "surrogatepass")).hexdigest()


class LoginThrottle:
    def __init__(self, factory: sessionmaker, clock=None, per_address: Backoff = PER_ADDRESS,
                 per_name: Backoff = PER_NAME):  # fmt: skip
        self.factory = factory
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.policies = {"address": per_address, "name": per_name}

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc).replace(tzinfo=None)

    def attempt(self, address: str, name: str) -> None:
        """Count one login attempt as a failure; LoginThrottled (nothing counted) while a wait is due."""
        now = self._now()
        keys = {_key("address", address): self.policies["address"], _key("name", name): self.policies["name"]}
        self._ensure_rows(keys, now)
        try:
            with unit_of_work(self.factory) as session:
                for key, policy in keys.items():
                    stale = Row.last_failure_at < now - policy.forget
                    counted = session.execute(
                        update(Row)
                        .where(Row.key == key, Row.next_attempt_at <= now)
                        .values(failures=case((stale, 1), else_=Row.failures + 1), last_failure_at=now)
                        .execution_options(synchronize_session=False)
                    ).rowcount
                    if not counted:
                        raise _WaitDue
                    failures = session.execute(select(Row.failures).where(Row.key == key)).scalar_one()
                    session.execute(
                        update(Row)
                        .where(Row.key == key)
                        .values(next_attempt_at=now + policy.wait(failures))
                        .execution_options(synchronize_session=False)
                    )
        except _WaitDue:
            raise LoginThrottled(self._seconds_to_wait(keys, now)) from None

    def succeeded(self, address: str, name: str) -> None:
        """The attempt was a success: the name starts over, the address gets its count back."""
        with unit_of_work(self.factory) as session:
            session.execute(delete(Row).where(Row.key == _key("name", name)))
            session.execute(
                update(Row)
                .where(Row.key == _key("address", address))
                .values(failures=case((Row.failures > 0, Row.failures - 1), else_=0))
                .execution_options(synchronize_session=False)
            )

    def _ensure_rows(self, keys: dict[str, Backoff], now: datetime) -> None:
        oldest = now - max(policy.forget for policy in keys.values())
        with unit_of_work(self.factory) as session:
            # Rows nobody failed with for longer than any policy remembers are worth nothing.
            session.execute(delete(Row).where(Row.last_failure_at < oldest, Row.next_attempt_at < now))
            present = set(session.execute(select(Row.key).where(Row.key.in_(keys))).scalars())
        for key in keys.keys() - present:
            try:
                with unit_of_work(self.factory) as session:
                    session.add(Row(key=key, failures=0, last_failure_at=now, next_attempt_at=now))
            except IntegrityError:  # a parallel attempt made it first: the same row
                pass

    def _seconds_to_wait(self, keys: dict[str, Backoff], now: datetime) -> int:
        with unit_of_work(self.factory) as session:
            until = session.execute(select(func.max(Row.next_attempt_at)).where(Row.key.in_(keys))).scalar_one()
        return max(1, math.ceil((until - now).total_seconds())) if until else 1
