"""The async Duvo API client: typed operations, pagination, one shared rate limiter, retries.

Open a client with ``open_client(settings, api_key)`` (or ``App.client()`` in a command, which
also handles ``--api-url local``); read live state with ``duvoform.engine.live.read_live_state``.
"""

from __future__ import annotations

from duvoform.api.client import DuvoClient
from duvoform.api.config import (
    API_KEY_ENV,
    DEFAULT_CONCURRENCY,
    ClientSettings,
    load_api_key,
    normalise_base_url,
)
from duvoform.api.pagination import Page, fetch_all
from duvoform.api.ratelimit import RateLimiter
from duvoform.api.retry import RetryPolicy
from duvoform.api.session import USER_AGENT, open_client, open_client_at
from duvoform.api.transport import ApiResponse, Transport

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_CONCURRENCY",
    "USER_AGENT",
    "ApiResponse",
    "ClientSettings",
    "DuvoClient",
    "Page",
    "RateLimiter",
    "RetryPolicy",
    "Transport",
    "fetch_all",
    "load_api_key",
    "normalise_base_url",
    "open_client",
    "open_client_at",
]
