from __future__ import annotations

import httpx

from duvoform.emulator import EmulatorControl
from duvoform.emulator.ratelimit import FixedWindowLimiter


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_fixed_window_counts_refuses_and_resets() -> None:
    clock = FakeClock(1_000.0)
    limiter = FixedWindowLimiter(3, 60, clock=clock)
    decisions = [limiter.hit("k") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert decisions[0].reset == 1_060  # the window starts with the key's first request
    clock.now = 1_040.5
    refused = limiter.hit("k")
    assert not refused.allowed
    assert refused.retry_after == 20
    assert refused.headers()["retry-after"] == "20"
    assert "retry-after" not in decisions[0].headers()
    assert limiter.hit("other").allowed
    clock.now = 1_060.0
    fresh = limiter.hit("k")
    assert (fresh.remaining, fresh.reset) == (2, 1_120)


def test_retry_after_is_at_least_one_second() -> None:
    clock = FakeClock(0.0)
    limiter = FixedWindowLimiter(1, 60, clock=clock)
    limiter.hit("k")
    clock.now = 59.9
    assert limiter.hit("k").retry_after == 1


def test_peek_does_not_count() -> None:
    limiter = FixedWindowLimiter(2, 60, clock=FakeClock(0.0))
    assert limiter.peek("k").remaining == 2
    assert limiter.hit("k").remaining == 1
    assert limiter.peek("k").remaining == 1


def test_headers_on_every_response_and_429_over_http(emulator: EmulatorControl) -> None:
    emulator.set_rate_limit(3, 60)
    with emulator.client() as api:
        responses = [api.get("/v1/agents") for _ in range(3)]
        responses.append(api.get("/v1/agents/not-a-uuid"))
        refused = api.post("/v1/agents", json={"name": "never made"})
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["x-ratelimit-remaining"] for r in responses] == ["2", "1", "0", "0"]
    assert all(r.headers["x-ratelimit-limit"] == "3" for r in responses)
    resets = {r.headers["x-ratelimit-reset"] for r in responses}
    assert len(resets) == 1
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert emulator.state()["agents"] == []
    stats = emulator.stats()
    assert stats["rate_limited"] == 2
    assert stats["by_status"]["429"] == 2


def test_windows_are_per_key(emulator: EmulatorControl) -> None:
    emulator.set_rate_limit(1, 60)
    emulator.add_key("second", "local")
    with emulator.client() as first, emulator.client("second") as second:
        assert first.get("/v1/agents").status_code == 200
        assert first.get("/v1/agents").status_code == 429
        assert second.get("/v1/agents").status_code == 200


def test_rate_limit_is_settable_at_runtime_and_reset_restores_it(emulator: EmulatorControl) -> None:
    emulator.set_rate_limit(1, 60)
    with emulator.client() as api:
        api.get("/v1/agents")
        assert api.get("/v1/agents").status_code == 429
        emulator.set_rate_limit(5, 60)
        assert api.get("/v1/agents").headers["x-ratelimit-limit"] == "5"
    emulator.reset()
    assert httpx.get(f"{emulator.base_url}/_emulator/rate-limit").json() == {
        "limit": 300,
        "window_seconds": 60.0,
    }


def test_emulator_routes_are_not_rate_limited(emulator: EmulatorControl) -> None:
    emulator.set_rate_limit(1, 60)
    for _ in range(3):
        assert httpx.get(f"{emulator.base_url}/_emulator/stats").status_code == 200
    assert emulator.stats()["total"] == 0


def test_a_refused_key_is_served_again_when_the_window_ends(emulator: EmulatorControl) -> None:
    import time

    emulator.set_rate_limit(1, 0.3)
    with emulator.client() as api:
        assert api.get("/v1/agents").status_code == 200
        refused = api.get("/v1/agents")
        if refused.status_code == 429:  # the window may already be over on a slow machine
            time.sleep(0.35)
        assert api.get("/v1/agents").status_code == 200
