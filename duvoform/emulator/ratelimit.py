"""Fixed-window rate limiting per API key, with the headers the Duvo API documents.

A key's window starts with its first request and lasts the window length;
``x-ratelimit-reset`` (integer Unix seconds, rounded up) names its end. A refused request does
not count against the window and is not executed.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Decision", "FixedWindowLimiter"]


@dataclass(frozen=True)
class Decision:
    """The limiter's answer for one request, and the headers that describe it."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """``x-ratelimit-*`` headers (plus ``retry-after`` when refused)."""
        out = {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
        }
        if not self.allowed:
            out["retry-after"] = str(self.retry_after)
        return out


class FixedWindowLimiter:
    """``limit`` requests per ``window`` seconds for each bucket (API key)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}

    def configure(self, limit: int, window: float) -> None:
        """Change the limit; every window starts afresh."""
        with self._lock:
            self.limit, self.window = limit, window
            self._counts.clear()

    def _current(self, bucket: str, now: float) -> tuple[float, int]:
        """``(window end, requests counted)`` of the bucket's window in force at ``now``."""
        end, used = self._counts.get(bucket, (0.0, 0))
        if now >= end:
            return now + self.window, 0
        return end, used

    def _decision(self, used: int, allowed: bool, now: float, end: float) -> Decision:
        return Decision(
            allowed=allowed,
            limit=self.limit,
            remaining=max(0, self.limit - used),
            reset=math.ceil(end),
            retry_after=max(1, math.ceil(end - now)),
        )

    def hit(self, bucket: str) -> Decision:
        """Count one request against ``bucket`` unless the window is used up."""
        with self._lock:
            now = self._clock()
            end, used = self._current(bucket, now)
            if used >= self.limit:
                return self._decision(used, False, now, end)
            used += 1
            self._counts[bucket] = (end, used)
            return self._decision(used, True, now, end)

    def peek(self, bucket: str) -> Decision:
        """The bucket's state without counting a request (for answers that skip the limiter)."""
        with self._lock:
            now = self._clock()
            end, used = self._current(bucket, now)
            return self._decision(used, True, now, end)
