"""Request statistics for ``GET /_emulator/stats``.

Counted: every request outside ``/_emulator``. ``by_route`` uses route templates
(``"GET /v1/agents/{agent_id}"``; ``"GET (unmatched)"`` for unknown paths), ``by_status`` counts
responses that were delivered, ``writes`` counts mutating requests that changed state (including
those whose response was then dropped), ``rate_limited`` counts refusals by the rate limiter and
``faults`` counts injected faults by kind (an injected 429 burst is counted there and in
``by_status``, not in ``rate_limited``).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

__all__ = ["FAULT_KINDS", "Stats"]

FAULT_KINDS = ("error", "reset", "drop_after_commit", "burst_429")


class Stats:
    """Thread-safe counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self.total = 0
            self.by_route: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.writes = 0
            self.rate_limited = 0
            self.faults: Counter[str] = Counter({kind: 0 for kind in FAULT_KINDS})

    def request(self, route: str) -> None:
        """One request arrived for ``route`` (``"METHOD /template"``)."""
        with self._lock:
            self.total += 1
            self.by_route[route] += 1

    def response(self, status: int) -> None:
        """One response was delivered."""
        with self._lock:
            self.by_status[str(status)] += 1

    def write(self) -> None:
        """One request changed state."""
        with self._lock:
            self.writes += 1

    def limited(self) -> None:
        """The rate limiter refused one request."""
        with self._lock:
            self.rate_limited += 1

    def fault(self, kind: str) -> None:
        """One fault of ``kind`` was injected."""
        with self._lock:
            self.faults[kind] += 1

    def snapshot(self) -> dict[str, Any]:
        """The JSON body of ``GET /_emulator/stats``."""
        with self._lock:
            return {
                "total": self.total,
                "by_route": dict(sorted(self.by_route.items())),
                "by_status": dict(sorted(self.by_status.items())),
                "writes": self.writes,
                "rate_limited": self.rate_limited,
                "faults": {kind: self.faults[kind] for kind in FAULT_KINDS},
            }
