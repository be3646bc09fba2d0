from __future__ import annotations

import httpx
import pytest

from duvoform.api.retry import Outcome, RetryPolicy, classify_transport_error


def test_backoff_is_exponential_and_capped_at_the_top_of_the_jitter() -> None:
    policy = RetryPolicy(base=0.25, cap=8.0, random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(1, 8)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_backoff_uses_full_jitter() -> None:
    policy = RetryPolicy(base=0.25, cap=8.0, random=lambda: 0.5)
    assert policy.backoff(3) == 0.5
    assert RetryPolicy(random=lambda: 0.0).backoff(5) == 0.0


async def test_wait_sleeps_the_backoff() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    policy = RetryPolicy(base=1.0, cap=3.0, random=lambda: 1.0, sleep=sleep)
    assert await policy.wait(4) == 3.0
    assert slept == [3.0]


REQUEST = httpx.Request("POST", "https://api.duvo.ai/v1/agents")


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (httpx.ConnectError("refused", request=REQUEST), Outcome.NOT_SENT),
        (httpx.ConnectTimeout("slow", request=REQUEST), Outcome.NOT_SENT),
        (httpx.PoolTimeout("busy", request=REQUEST), Outcome.NOT_SENT),
        (httpx.ReadTimeout("slow", request=REQUEST), Outcome.UNKNOWN),
        (httpx.WriteTimeout("slow", request=REQUEST), Outcome.UNKNOWN),
        (httpx.ReadError("reset", request=REQUEST), Outcome.UNKNOWN),
        (httpx.RemoteProtocolError("closed", request=REQUEST), Outcome.UNKNOWN),
        (httpx.UnsupportedProtocol("gopher", request=REQUEST), Outcome.FATAL),
    ],
)
def test_transport_errors_are_classified_by_whether_the_server_saw_them(
    exc: httpx.TransportError, outcome: Outcome
) -> None:
    assert classify_transport_error(exc) is outcome
