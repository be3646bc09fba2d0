"""Fault injection: latency, 5xx errors, 429 bursts, connection resets, commit-then-drop.

How a lost response looks to a client:

- Over real HTTP (uvicorn), the emulator starts the response (status line and headers, with a
  ``content-length`` it never honours) and then aborts, so the server closes the connection
  mid-response. httpx raises a transport error (``httpx.RemoteProtocolError``), never a 5xx.
- In process (``httpx.ASGITransport``), the app raises ``EmulatedDisconnect`` (a
  ``ConnectionResetError``) out of the ASGI call; httpx lets it propagate to the caller.

A reset happens before anything is done (its started status is 502); a commit-then-drop happens
after the write committed (its started status is the real one).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from duvoform.emulator.settings import FaultSettings

__all__ = ["MUTATING", "EmulatedDisconnect", "FaultInjector", "PreFault"]

MUTATING = frozenset({"POST", "PATCH", "PUT", "DELETE"})


class EmulatedDisconnect(ConnectionResetError):
    """Raised out of the app to play a dropped connection."""


@dataclass(frozen=True)
class PreFault:
    """A fault decided before the request is handled."""

    effect: str  # "reset" | "burst_429" | "error"
    status: int = 0
    retry_after: int = 1


class FaultInjector:
    """Holds the fault settings in force and makes the (seeded) random choices."""

    def __init__(self, settings: FaultSettings) -> None:
        self._lock = threading.Lock()
        self.configure(settings)

    def configure(self, settings: FaultSettings) -> None:
        """Replace the settings (and reseed)."""
        with self._lock:
            self.settings = settings.model_copy(deep=True)
            self._burst_left = settings.burst_429
            self._rng = random.Random(settings.seed)

    def current(self) -> FaultSettings:
        """The settings in force, with ``burst_429`` showing what is left of the burst."""
        with self._lock:
            return self.settings.model_copy(update={"burst_429": self._burst_left})

    def _applies(self, method: str, template: str) -> bool:
        s = self.settings
        if s.methods is not None and method not in s.methods:
            return False
        if s.routes is not None:
            return template in s.routes or f"{method} {template}" in s.routes
        return True

    def latency(self, method: str, template: str) -> float:
        """Seconds to wait before handling this request."""
        with self._lock:
            if self.settings.latency_ms and self._applies(method, template):
                return self.settings.latency_ms / 1000.0
            return 0.0

    def before(self, method: str, template: str) -> PreFault | None:
        """A reset, injected 429 or injected 5xx for this request, or None."""
        with self._lock:
            s = self.settings
            if not self._applies(method, template):
                return None
            if s.reset_rate and self._rng.random() < s.reset_rate:
                return PreFault("reset", status=502)
            if self._burst_left > 0:
                self._burst_left -= 1
                return PreFault("burst_429", status=429, retry_after=s.burst_retry_after)
            if s.error_rate and self._rng.random() < s.error_rate:
                return PreFault("error", status=self._rng.choice(s.error_statuses))
            return None

    def drop_after(self, method: str, template: str) -> bool:
        """Whether the response to this committed write is to be lost."""
        with self._lock:
            s = self.settings
            if method not in MUTATING or not s.drop_after_commit_rate:
                return False
            if not self._applies(method, template):
                return False
            return self._rng.random() < s.drop_after_commit_rate
