"""Open a ``DuvoClient``: one ``httpx.AsyncClient``, one rate limiter, one retry policy.

TLS verification is httpx's default and is never turned off; redirects are not followed (an
API answer that redirects is an error, and the key is never sent to another host).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from pydantic import SecretStr

from duvoform import __version__
from duvoform.api.client import DuvoClient
from duvoform.api.config import ClientSettings, normalise_base_url
from duvoform.api.ratelimit import RateLimiter
from duvoform.api.retry import RetryPolicy
from duvoform.api.transport import Transport

__all__ = ["USER_AGENT", "open_client", "open_client_at"]

USER_AGENT = f"duvoform/{__version__} (python-httpx/{httpx.__version__})"


@asynccontextmanager
async def open_client(
    settings: ClientSettings,
    api_key: SecretStr,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    limiter: RateLimiter | None = None,
    policy: RetryPolicy | None = None,
) -> AsyncIterator[DuvoClient]:
    """A client for the API at ``settings.base_url`` (checked: https, or http to loopback).

    ``transport`` replaces the network (the embedded emulator, a test's wrapper); ``limiter``
    and ``policy`` default to fresh ones built from ``settings``.
    """
    base_url = normalise_base_url(settings.base_url)
    async with open_client_at(
        base_url, settings, api_key, transport=transport, limiter=limiter, policy=policy
    ) as client:
        yield client


@asynccontextmanager
async def open_client_at(
    base_url: str,
    settings: ClientSettings,
    api_key: SecretStr,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    limiter: RateLimiter | None = None,
    policy: RetryPolicy | None = None,
) -> AsyncIterator[DuvoClient]:
    """Like ``open_client`` but with ``base_url`` taken as is (for in-process transports)."""
    headers = {
        "Authorization": f"Bearer {api_key.get_secret_value()}",
        "Accept": "application/json",
        "User-Agent": USER_AGENT,
    }
    timeout = httpx.Timeout(
        settings.read_timeout, connect=settings.connect_timeout, pool=settings.read_timeout
    )
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    retry_policy = policy or settings.retry_policy()
    async with httpx.AsyncClient(
        base_url=base_url,
        headers=headers,
        timeout=timeout,
        limits=limits,
        transport=transport,
        follow_redirects=False,
    ) as http:
        sender = Transport(
            http,
            limiter=limiter or RateLimiter(),
            policy=retry_policy,
            concurrency=settings.concurrency,
        )
        yield DuvoClient(sender, page_size=settings.page_size)
