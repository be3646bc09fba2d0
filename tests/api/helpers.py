"""Helpers for tests that drive the real client against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from pydantic import SecretStr

from duvoform.api import ClientSettings, DuvoClient, RetryPolicy, open_client
from duvoform.emulator import EmulatorControl
from tests.helpers import seeded_agent


def agents_seed(count: int, *, prefix: str = "Assignment", **extra: Any) -> list[dict[str, Any]]:
    """Seed rows for ``count`` assignments, each with one (live) build."""
    return [seeded_agent(f"{prefix} {n:05d}", **extra) for n in range(count)]


class WatchedTransport(httpx.AsyncBaseTransport):
    """The real network transport, watched: requests in flight, and a hook before each send."""

    def __init__(self, before: Callable[[httpx.Request], None] | None = None) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.before = before
        self.in_flight = 0
        self.max_in_flight = 0
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        if self.before is not None:
            self.before(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            response = await self._inner.handle_async_request(request)
            await response.aread()
            return response
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        await self._inner.aclose()


@asynccontextmanager
async def client_for(
    emulator: EmulatorControl,
    *,
    api_key: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str | None = None,
    policy: RetryPolicy | None = None,
    **settings: Any,
) -> AsyncIterator[DuvoClient]:
    """A real ``DuvoClient`` for the emulator, with short backoffs so retries are quick."""
    settings.setdefault("backoff_base", 0.01)
    settings.setdefault("backoff_cap", 0.05)
    config = ClientSettings(base_url=base_url or emulator.base_url, **settings)
    key = SecretStr(api_key or emulator.api_key)
    async with open_client(config, key, transport=transport, policy=policy) as client:
        yield client
