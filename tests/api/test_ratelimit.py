from __future__ import annotations

import math
import random
from email.utils import formatdate

import pytest

from duvoform.api.ratelimit import RateLimiter, parse_retry_after


class FakeClock:
    """Virtual time: sleeping advances it instantly."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class FixedWindowServer:
    """A server-side fixed window as the Duvo API documents it (reset = Unix seconds)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.start = -1.0
        self.used = 0
        self.refused = 0
        self.served = 0

    def hit(self, now: float) -> tuple[dict[str, str], int]:
        start = math.floor(now / self.window) * self.window
        if start != self.start:
            self.start, self.used = start, 0
        end = start + self.window
        headers = {"x-ratelimit-limit": str(self.limit), "x-ratelimit-reset": str(math.ceil(end))}
        if self.used >= self.limit:
            self.refused += 1
            headers["x-ratelimit-remaining"] = "0"
            headers["retry-after"] = str(max(1, math.ceil(end - now)))
            return headers, 429
        self.used += 1
        self.served += 1
        headers["x-ratelimit-remaining"] = str(self.limit - self.used)
        return headers, 200


def limiter_with(clock: FakeClock, reserve: int = 1) -> RateLimiter:
    return RateLimiter(reserve=reserve, clock=clock, sleep=clock.sleep)


async def test_unknown_window_does_not_wait() -> None:
    clock = FakeClock()
    limiter = limiter_with(clock)
    for _ in range(20):
        await limiter.acquire()
    assert clock.slept == []
    assert limiter.in_flight == 20


async def test_waits_for_reset_when_the_window_is_nearly_used() -> None:
    clock = FakeClock()
    limiter = limiter_with(clock)
    reset = clock.now + 10
    await limiter.acquire()
    limiter.release(
        {"x-ratelimit-limit": "5", "x-ratelimit-remaining": "3", "x-ratelimit-reset": str(reset)}
    )
    await limiter.acquire()  # 2 left
    await limiter.acquire()  # 1 left: the reserve
    assert clock.slept == []
    await limiter.acquire()
    assert clock.now == pytest.approx(reset + limiter.margin)
    assert limiter.pauses == 1
    # the two requests still in flight may count in the new window
    assert limiter.remaining == 5 - 2 - 1


async def test_429_holds_every_request_for_retry_after() -> None:
    clock = FakeClock()
    limiter = limiter_with(clock)
    await limiter.acquire()
    limiter.release({"retry-after": "7"}, 429)
    start = clock.now
    await limiter.acquire()
    assert clock.now - start == pytest.approx(7)


async def test_429_waits_for_the_reset_only_when_the_window_is_used_up() -> None:
    clock = FakeClock()
    limiter = limiter_with(clock)
    reset = str(clock.now + 60)
    await limiter.acquire()
    # a refusal that is not the window's (the window still has room): retry-after only
    limiter.release(
        {"x-ratelimit-remaining": "250", "x-ratelimit-reset": reset, "retry-after": "2"}, 429
    )
    await limiter.acquire()
    assert clock.slept == [pytest.approx(2)]
    limiter.release(
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset, "retry-after": "2"}, 429
    )
    await limiter.acquire()
    assert clock.now == pytest.approx(float(reset) + limiter.margin)


async def test_late_answer_from_an_old_window_is_ignored() -> None:
    clock = FakeClock()
    limiter = limiter_with(clock)
    old_reset, new_reset = clock.now + 1, clock.now + 61
    await limiter.acquire()
    await limiter.acquire()
    limiter.release({"x-ratelimit-remaining": "250", "x-ratelimit-reset": str(new_reset)})
    limiter.release({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(old_reset)})
    # the other request still in flight may count against the new window
    assert limiter.remaining == 249
    assert limiter.reset_at == new_reset


async def test_seconds_until_reset_are_understood_too() -> None:
    clock = FakeClock()
    limiter = limiter_with(clock)
    await limiter.acquire()
    limiter.release({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"})
    await limiter.acquire()
    assert clock.slept == [pytest.approx(30 + limiter.margin)]


def test_retry_after_forms() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("3", now) == 3
    assert parse_retry_after("1.5", now) == 1.5
    assert parse_retry_after(formatdate(now + 20, usegmt=True), now) == pytest.approx(20)
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


@pytest.mark.parametrize(("limit", "window"), [(300, 60.0), (120, 10.0), (50, 5.0)])
async def test_long_run_uses_the_window_without_being_refused(limit: int, window: float) -> None:
    """Eight requests in flight at a time, answers out of order, for many windows."""
    clock = FakeClock()
    limiter = limiter_with(clock)
    server = FixedWindowServer(limit, window)
    rng = random.Random(7)
    started = clock.now
    while server.served < limit * 20:
        for _ in range(8):
            await limiter.acquire()
        clock.now += 0.01  # the batch reaches the server
        answers = [server.hit(clock.now) for _ in range(8)]
        clock.now += 0.04
        rng.shuffle(answers)
        for headers, status in answers:
            limiter.release(headers, status)
    elapsed = clock.now - started
    capacity = limit * elapsed / window
    assert server.refused <= 0.01 * server.served
    assert server.served >= 0.9 * capacity


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "-5", "1e999", "NaN", "x"])
async def test_rate_limit_headers_that_are_not_finite_non_negative_numbers_are_ignored(
    bad: str,
) -> None:
    clock = FakeClock()
    limiter = limiter_with(clock)
    for headers in (
        {"x-ratelimit-remaining": bad, "x-ratelimit-reset": str(clock.now + 60)},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": bad, "x-ratelimit-limit": bad},
        {"retry-after": bad},
    ):
        await limiter.acquire()
        limiter.release(headers, 200)
    assert limiter.remaining is None or isinstance(limiter.remaining, int)
    assert limiter.reset_at is None or math.isfinite(limiter.reset_at)
    assert parse_retry_after(bad, clock.now) is None or bad == "-5"
