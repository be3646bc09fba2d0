"""When to try a request again, and how long to wait first.

Capped exponential backoff with full jitter: before attempt ``n + 1`` wait a uniformly random
time in ``[0, min(cap, base * 2**(n - 1))]``. A 429 waits ``retry-after`` instead (the rate
limiter holds every request back) and has its own, larger budget: the server said when to come
back, so waiting is the right answer, up to a point.

The defaults below are the only ones: ``ClientSettings`` (what the CLI and the library
configure) starts from them and builds its ``RetryPolicy`` with ``retry_policy()``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum

import httpx

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "MAX_ATTEMPTS",
    "MAX_RATE_LIMITED",
    "Outcome",
    "RetryPolicy",
    "classify_transport_error",
]

MAX_ATTEMPTS = 5
"""Attempts of one request that fails (5xx, a connection error); a 429 does not count."""
BACKOFF_BASE = 0.25
"""Seconds: the ceiling of the first backoff, doubled after each failure."""
BACKOFF_CAP = 8.0
"""Seconds: the highest ceiling of a backoff."""
MAX_RATE_LIMITED = 10
"""429 answers one request waits out before it gives up."""


class Outcome(Enum):
    """What a failed attempt means for the request."""

    NOT_SENT = "not sent"  # the server never saw it: safe to send again, even a create
    UNKNOWN = "unknown"  # it may have been executed: only a safe request may be sent again
    FATAL = "fatal"  # sending again cannot help (a bad URL, a malformed request)


def classify_transport_error(exc: httpx.TransportError) -> Outcome:
    """Whether a request that failed with ``exc`` can have reached the server."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Outcome.NOT_SENT
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError | httpx.ProxyError):
        return Outcome.FATAL
    return Outcome.UNKNOWN


@dataclass
class RetryPolicy:
    """Attempt budgets and backoff; ``sleep`` and ``random`` are injectable for tests."""

    max_attempts: int = MAX_ATTEMPTS
    base: float = BACKOFF_BASE
    cap: float = BACKOFF_CAP
    max_rate_limited: int = MAX_RATE_LIMITED
    random: Callable[[], float] = field(default=random.random, repr=False)
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)

    def backoff(self, failed_attempt: int) -> float:
        """Seconds to wait after the ``failed_attempt``-th attempt (1-based) failed."""
        ceiling: float = min(self.cap, self.base * 2 ** max(0, failed_attempt - 1))
        return float(self.random() * ceiling)

    async def wait(self, failed_attempt: int) -> float:
        """Sleep the backoff for ``failed_attempt`` and return how long that was."""
        delay = self.backoff(failed_attempt)
        if delay > 0:
            await self.sleep(delay)
        return delay
