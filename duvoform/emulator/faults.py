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

import json
import random
import threading
from dataclasses import dataclass
from typing import Any

from duvoform.emulator.settings import FaultSettings

__all__ = ["MUTATING", "EmulatedDisconnect", "FaultInjector", "PreFault", "echo_message"]

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

    def echo(self, method: str, template: str) -> list[str]:
        """The forms in which to quote this write's body back in a refusal ([]: none)."""
        with self._lock:
            if method not in MUTATING or not self._applies(method, template):
                return []
            return list(self.settings.echo)

    def drop_after(self, method: str, template: str) -> bool:
        """Whether the response to this committed write is to be lost."""
        with self._lock:
            s = self.settings
            if method not in MUTATING or not s.drop_after_commit_rate:
                return False
            if not self._applies(method, template):
                return False
            return self._rng.random() < s.drop_after_commit_rate


def echo_message(raw: str, forms: list[str]) -> str:
    """A refusal that quotes the request body ``raw`` back in each of ``forms`` (see
    ``FaultSettings.echo``), as careless APIs do."""
    parts = []
    for form in forms:
        if form == "json":
            parts.append(f"invalid body {json.dumps(raw)}")
        elif form == "folded":
            parts.append(
                "invalid body:\n" + "\n".join(raw[i : i + 16] for i in range(0, len(raw), 16))
            )
        elif form == "cut":
            parts.append(f"invalid values {', '.join(_cut_values(_loads(raw)))}")
        elif form == "padded":
            parts.append("the request could not be processed; " + "." * 280 + raw)
    return " | ".join(parts)


def _loads(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _cut_values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value[: len(value) - 5] + "..." if len(value) >= 16 else value]
    if isinstance(value, dict):
        return [cut for item in value.values() for cut in _cut_values(item)]
    if isinstance(value, list):
        return [cut for item in value for cut in _cut_values(item)]
    return []
