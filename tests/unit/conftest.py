"""The advisor-account fixtures that test_advisor_accounts.py and test_login_throttle.py share:
a clock the test moves by hand, and an account service with one advisor, anna."""
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from bot.advisors.accounts import AccountService

PASSWORD = "lang-genoeg-wachtwoord"
# Cheap parameters: the tests check behaviour, not the cost of brute force.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def accounts(factory, clock):
    service = AccountService(factory, hasher=FAST, clock=clock)
    service.add("anna", PASSWORD)
    return service
