"""Settings of one emulator instance: storage, keys, rate limit, faults, determinism.

``EmulatorSettings`` is what ``create_app`` takes; ``FaultSettings`` is also the body of
``GET/PUT /_emulator/faults``. The helpers ``parse_key`` and ``parse_rate_limit`` turn the
command-line spellings (``KEY=TEAM``, ``N/SECONDS``) into settings.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from duvoform.errors import EmulatorError
from duvoform.text import quote

__all__ = [
    "DEFAULT_KEY",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_RATE_WINDOW",
    "DEFAULT_TEAM",
    "NAMESPACE",
    "EmulatorSettings",
    "FaultSettings",
    "parse_key",
    "parse_rate_limit",
    "team_id_for",
    "user_id_for",
]

NAMESPACE = uuid.UUID("5d2f6c1e-8a47-5b0e-9c3d-2e7f4a1b6c90")
"""Namespace of every name-derived UUID the emulator makes (teams, users, catalog, ids)."""

DEFAULT_KEY = "duvo-local-key"
DEFAULT_TEAM = "local"
DEFAULT_RATE_LIMIT = 300
DEFAULT_RATE_WINDOW = 60.0

_METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}

Rate = Annotated[float, Field(ge=0.0, le=1.0)]


def team_id_for(team: str) -> str:
    """The fixed UUID of a team, derived from its name (``local`` is always the same id)."""
    return str(uuid.uuid5(NAMESPACE, f"team:{team}"))


def user_id_for(key: str) -> str:
    """The UUID of the user a key stands for (stable across restarts for the same key)."""
    return str(uuid.uuid5(NAMESPACE, f"user:{key}"))


_INJECTED_STATUSES = frozenset({400, 409, 422, 500, 502, 503, 504})


class FaultSettings(BaseModel):
    """What can go wrong, on purpose, with requests to ``/v1`` (never ``/_emulator``).

    - ``latency_ms``: added before each matching request is handled.
    - ``error_rate``: fraction of matching requests answered 500 or 503 (``error_statuses``)
      without doing anything.
    - ``burst_429``: the next N matching requests get 429 with ``retry-after:
      burst_retry_after``; the count goes down as they are served.
    - ``reset_rate``: fraction of matching requests whose connection is reset: nothing is done
      and no complete response arrives.
    - ``drop_after_commit_rate``: fraction of matching *writes* (POST, PATCH, PUT, DELETE that
      changed state) whose change is committed and whose response is then lost.
    - ``methods`` / ``routes``: when set, only requests with one of these methods, or on one of
      these route templates (``"/v1/agents"`` or ``"POST /v1/agents"``), are affected.
    - ``echo``: matching writes are refused (422) with a message that quotes the request body
      back, in each of these forms: ``json`` (JSON-escaped inside the message), ``folded``
      (with line breaks every 16 characters), ``cut`` (each long string value cut short, as
      APIs that truncate do), ``padded`` (after 280 characters of text). Nothing is written.
    - ``seed``: seeds the random choices, so a run with faults is reproducible.
    - ``error_message``: the ``message`` of injected errors (default: a plain sentence), and
      ``oauth_url``: the URL OAuth starts answer instead of the consent page: both to try a
      client against a hostile API (control characters, CI log commands, a ``file:`` URL).
      ``error_statuses`` may then include 400, 409 and 422, which a client does not retry.
    """

    model_config = ConfigDict(extra="forbid")

    latency_ms: Annotated[int, Field(ge=0, le=60_000)] = 0
    error_rate: Rate = 0.0
    error_statuses: list[int] = Field(default_factory=lambda: [500, 503])
    burst_429: Annotated[int, Field(ge=0)] = 0
    burst_retry_after: Annotated[int, Field(ge=1)] = 1
    reset_rate: Rate = 0.0
    drop_after_commit_rate: Rate = 0.0
    methods: list[str] | None = None
    routes: list[str] | None = None
    echo: list[Literal["json", "folded", "cut", "padded"]] = Field(default_factory=list)
    seed: int | None = None
    error_message: Annotated[str, Field(max_length=10_000)] | None = None
    oauth_url: Annotated[str, Field(max_length=10_000)] | None = None

    @field_validator("error_statuses")
    @classmethod
    def _server_errors(cls, value: list[int]) -> list[int]:
        if not value or any(status not in _INJECTED_STATUSES for status in value):
            raise ValueError("must be a non-empty list of 400, 409, 422, 500, 502, 503 or 504")
        return value

    @field_validator("methods")
    @classmethod
    def _known_methods(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        upper = [method.upper() for method in value]
        unknown = sorted(set(upper) - _METHODS)
        if unknown:
            raise ValueError(f"unknown method(s): {', '.join(unknown)}")
        return upper


class EmulatorSettings(BaseModel):
    """How one emulator instance is set up.

    - ``db``: SQLite file that keeps state across restarts; ``None`` keeps it in memory.
    - ``keys``: API key -> team name. Several keys may share a team; each key is also one
      user of its team (the owner of its schedules, pins and personal connections). When
      empty, ``duvo-local-key`` for team ``local`` is used.
    - ``rate_limit`` requests per ``rate_window`` seconds, per key (fixed window).
    - ``faults``: the fault injection in force at start.
    - ``deterministic``: ids come from a counter and timestamps from a fixed clock that moves
      one second per use, so the same requests give the same bodies (golden tests).
    - ``hosts``: names a ``Host`` or ``Origin`` header may carry besides the local ones.
    """

    model_config = ConfigDict(extra="forbid")

    db: Path | None = None
    keys: dict[str, str] = Field(default_factory=dict)
    rate_limit: Annotated[int, Field(ge=1)] = DEFAULT_RATE_LIMIT
    rate_window: Annotated[float, Field(gt=0)] = DEFAULT_RATE_WINDOW
    faults: FaultSettings = Field(default_factory=FaultSettings)
    deterministic: bool = False
    admin_token: str | None = None
    """The token ``/_emulator/*`` control routes require (``x-emulator-admin``); None: open."""
    hosts: tuple[str, ...] = ()
    """Host names served besides the local ones (the host the emulator was bound to)."""
    reveal_secrets: bool = False
    """For tests that witness what reached the API: ``/_emulator/state`` shows in-memory
    secret header values as sent. Off: salted fingerprints (``duvoform emulator`` never sets
    it)."""

    @field_validator("keys")
    @classmethod
    def _valid_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key, team in value.items():
            if not key or any(ch.isspace() for ch in key):
                raise ValueError("API keys must be non-empty and contain no whitespace")
            if not team.strip():
                raise ValueError("team names must not be empty")
        return value

    def effective_keys(self) -> dict[str, str]:
        """The configured keys, or the default key when none were given."""
        return dict(self.keys) if self.keys else {DEFAULT_KEY: DEFAULT_TEAM}


def parse_key(text: str) -> tuple[str, str]:
    """Parse ``KEY`` or ``KEY=TEAM`` (the team defaults to ``local``)."""
    key, sep, team = text.partition("=")
    key = key.strip()
    team = team.strip() if sep else DEFAULT_TEAM
    if not key or any(ch.isspace() for ch in key):
        raise EmulatorError("an API key must be non-empty and contain no whitespace")
    if not team:
        raise EmulatorError("the team after '=' must not be empty")
    return key, team


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*(s|sec|seconds?)?\s*$")


def parse_rate_limit(text: str) -> tuple[int, float]:
    """Parse ``N/SECONDS`` (e.g. ``300/60``) into ``(limit, window_seconds)``."""
    match = _RATE.match(text)
    if not match:
        raise EmulatorError(f"rate limit {quote(text)} is not N/SECONDS (e.g. 300/60)")
    limit, window = int(match.group(1)), float(match.group(2))
    if limit < 1 or window <= 0:
        raise EmulatorError("the rate limit needs N >= 1 requests per SECONDS > 0")
    return limit, window
