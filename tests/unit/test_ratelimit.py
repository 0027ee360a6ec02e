from bot.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_burst_is_allowed_then_the_client_waits():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # other clients are not affected
    clock.now += 10  # one message per ten seconds comes back
    assert limiter.allow("a") and not limiter.allow("a")


def test_quiet_clients_are_forgotten_without_losing_anything():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock, max_clients=2)
    for key in "abc":
        limiter.allow(key)
    clock.now += 5
    limiter.allow("d")
    assert len(limiter._buckets) <= 2
    assert limiter.allow("a") and limiter.allow("a")
