"""Login throttling: back-off per address and per name, no lockout of the real owner, the
same treatment for names that do not exist, and a limit that holds under parallel attempts."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from bot.advisors.throttle import PER_ADDRESS, PER_NAME, LoginThrottle, LoginThrottled
from bot.store import make_engine, make_sessionmaker
from tests.unit.conftest import PASSWORD

WRONG = "fout-fout-fout"


def waits_before_each_failure(accounts, clock, username: str, network: str, count: int) -> list[int]:
    """Fail `count` times with this name, each from a new address, waiting whenever told to."""
    waits = []
    for n in range(count):
        try:
            assert accounts.login(username, WRONG, f"{network}.{n}") is None
            waits.append(0)
        except LoginThrottled as throttled:
            waits.append(throttled.seconds)
            clock.advance(throttled.seconds)
            assert accounts.login(username, WRONG, f"{network}.{n}") is None
    return waits


def test_the_wait_doubles_after_the_free_failures_up_to_a_cap():
    waits = [PER_NAME.wait(n).total_seconds() for n in range(1, 12)]
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert PER_ADDRESS.wait(9) == timedelta(0) and PER_ADDRESS.wait(10) == timedelta(seconds=1)
    assert PER_ADDRESS.wait(10_000) == timedelta(minutes=15)


def test_one_address_is_slowed_down_whatever_names_it_tries(accounts, clock):
    for n in range(PER_ADDRESS.free):
        assert accounts.login(f"gok{n}", WRONG, "203.0.113.9") is None
    waits = []
    for n in range(12):
        with pytest.raises(LoginThrottled) as throttled:
            accounts.login(f"nog{n}", WRONG, "203.0.113.9")
        waits.append(throttled.value.seconds)
        clock.advance(throttled.value.seconds)
        assert accounts.login(f"nog{n}", WRONG, "203.0.113.9") is None
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert accounts.login("anna", PASSWORD, "198.51.100.7").username == "anna"  # another address is not slowed


def test_one_name_is_slowed_down_from_any_address_but_only_mildly(accounts, clock):
    for n in range(PER_NAME.free):
        assert accounts.login("anna", WRONG, f"203.0.113.{n}") is None
    waits = []
    for n in range(8):
        with pytest.raises(LoginThrottled) as throttled:
            accounts.login("anna", PASSWORD, f"198.51.100.{n}")  # even the right password waits its turn
        waits.append(throttled.value.seconds)
        clock.advance(throttled.value.seconds)
        assert accounts.login("anna", WRONG, f"198.51.100.{n}") is None
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_guesser_elsewhere_cannot_lock_the_owner_out(accounts, clock):
    # Two minutes of guesses at anna from ten addresses, every second, as often as the throttle allows.
    for _ in range(120):
        for n in range(10):
            try:
                accounts.login("Anna", WRONG, f"203.0.113.{n}")
            except LoginThrottled:
                pass
        clock.advance(1)
    try:
        assert accounts.login("anna", PASSWORD, "198.51.100.1").username == "anna"
    except LoginThrottled as throttled:
        assert throttled.seconds <= PER_NAME.cap.total_seconds()
        clock.advance(throttled.seconds)
        assert accounts.login("anna", PASSWORD, "198.51.100.1").username == "anna"


def test_names_that_do_not_exist_are_throttled_exactly_like_real_ones(accounts, clock):
    real = waits_before_each_failure(accounts, clock, "anna", "203.0.113", 12)
    made_up = waits_before_each_failure(accounts, clock, "Niemand ", "198.51.100", 12)
    assert real == made_up == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]


def test_a_success_forgets_the_name_and_time_forgets_everything(accounts, clock):
    for n in range(PER_NAME.free):
        accounts.login("anna", WRONG, f"203.0.113.{n}")
    clock.advance(1)
    assert accounts.login("anna", PASSWORD, "198.51.100.1").username == "anna"
    assert waits_before_each_failure(accounts, clock, "anna", "198.51.100", 5) == [0] * 5  # from zero again
    for n in range(PER_ADDRESS.free + 1):
        try:
            accounts.login(f"gok{n}", WRONG, "203.0.113.200")
        except LoginThrottled:
            pass
    with pytest.raises(LoginThrottled):
        accounts.login("anna", PASSWORD, "203.0.113.200")
    clock.advance(PER_ADDRESS.forget.total_seconds() + 1)
    assert accounts.login("anna", PASSWORD, "203.0.113.200").username == "anna"


def test_a_burst_of_parallel_attempts_gets_no_more_than_the_free_ones(tmp_path, clock):
    throttle = LoginThrottle(make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'jep.db'}")), clock)

    def attempt(n: int) -> bool:
        try:
            throttle.attempt("203.0.113.9", f"naam{n}")
        except LoginThrottled:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        let_through = sum(pool.map(attempt, range(40)))
    assert let_through == PER_ADDRESS.free
