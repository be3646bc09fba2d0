"""One rate limiter shared by every request of a run.

The Duvo API allows a fixed number of requests per window per key (300 a minute) and reports
``x-ratelimit-limit``, ``x-ratelimit-remaining`` and ``x-ratelimit-reset`` (a Unix time) on its
responses, and ``retry-after`` with a 429. The limiter keeps its own count of what is left in
the window: each request it lets through takes one, each response corrects the count with the
server's figure. When the count reaches a small reserve, new requests wait for the reset
instead of being refused; after a 429 every request waits ``retry-after``.

With one client per key the local count is exact: the server's ``remaining`` minus the requests
sent since. Responses of an older window (reordered by concurrency) are ignored.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from email.utils import parsedate_to_datetime

__all__ = ["RateLimiter", "parse_retry_after"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# A reset value this small cannot be a Unix time; some servers send seconds-until-reset
# instead (a guess for robustness: the reference documents a Unix timestamp).
_RELATIVE_RESET_MAX = 10_000_000.0
# Two responses whose reset times differ by less than this belong to the same window.
_SAME_WINDOW = 1.0


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``retry-after`` value (seconds, or an HTTP date), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now)


def _parse_number(value: str | None) -> float | None:
    # Only finite, non-negative figures are believed: "nan", "inf" or "-5" are ignored.
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


class RateLimiter:
    """Paces requests to stay inside the server's window; shared by all requests of a run.

    Call ``acquire()`` before sending and ``release(headers, status)`` once the request is
    over (with ``headers=None`` when there was no response). ``clock`` is wall-clock time
    (the reset header is a Unix time); ``sleep`` is injectable for tests.
    """

    def __init__(
        self,
        *,
        reserve: int = 1,
        margin: float = 0.05,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.reserve = reserve
        self.margin = margin
        self._clock = clock
        self._sleep = sleep
        self.limit: int | None = None
        self.remaining: int | None = None  # None: unknown, so requests go
        self.reset_at: float | None = None
        self.blocked_until = 0.0
        self.in_flight = 0
        self.pauses = 0
        self.paused_seconds = 0.0

    async def acquire(self) -> None:
        """Wait until a request may be sent without exceeding the window, then count it."""
        while (delay := self._delay()) > 0:
            self.pauses += 1
            self.paused_seconds += delay
            await self._sleep(delay)
        self.in_flight += 1
        if self.remaining is not None:
            self.remaining -= 1

    def release(self, headers: Mapping[str, str] | None, status: int | None = None) -> None:
        """Record the end of a request and what its response said about the window."""
        self.in_flight = max(0, self.in_flight - 1)
        if headers is None:
            return
        now = self._clock()
        self._observe_window(headers, now)
        if status == 429:
            self._rate_limited(headers, now)

    def _delay(self) -> float:
        now = self._clock()
        if now < self.blocked_until:
            return self.blocked_until - now
        if self.reset_at is not None and now >= self.reset_at:
            self._new_window(remaining=None)
        if (
            self.remaining is not None
            and self.reset_at is not None
            and self.remaining <= self.reserve
        ):
            return self.reset_at - now + self.margin
        return 0.0

    def _new_window(self, remaining: int | None, reset_at: float | None = None) -> None:
        if remaining is None and self.limit is not None:
            # Requests still in flight may be counted in the new window.
            remaining = self.limit - self.in_flight
        self.remaining = remaining
        self.reset_at = reset_at

    def _observe_window(self, headers: Mapping[str, str], now: float) -> None:
        limit = _parse_number(headers.get("x-ratelimit-limit"))
        if limit is not None:
            self.limit = int(limit)
        remaining = _parse_number(headers.get("x-ratelimit-remaining"))
        reset = _parse_number(headers.get("x-ratelimit-reset"))
        if reset is not None and reset < _RELATIVE_RESET_MAX:
            reset = now + reset
        if remaining is None:
            return
        left = int(remaining)
        if reset is None:
            self.remaining = left if self.remaining is None else min(self.remaining, left)
            return
        if self.reset_at is None and self.remaining is not None:
            # The window rolled over locally: the local count already holds what is in flight.
            self.remaining = min(self.remaining, left)
            self.reset_at = reset
        elif self.reset_at is None or reset > self.reset_at + _SAME_WINDOW:
            # A newer window: the others still in flight may count against it too.
            self._new_window(max(0, left - self.in_flight), reset)
        elif reset >= self.reset_at - _SAME_WINDOW:
            self.remaining = left if self.remaining is None else min(self.remaining, left)
        # else: a late response from a window that has already ended; nothing to learn.

    def _rate_limited(self, headers: Mapping[str, str], now: float) -> None:
        wait = parse_retry_after(headers.get("retry-after"), now)
        if wait is None:
            wait = (self.reset_at - now) if self.reset_at and self.reset_at > now else 1.0
        # The headers of the 429 itself (already observed) say what is left in the window;
        # an injected or per-route refusal can leave the window's own count untouched.
        self.blocked_until = max(self.blocked_until, now + wait)
