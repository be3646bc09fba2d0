"""The one path every request takes: concurrency bound, rate limiter, retries, error mapping.

A request is *safe* when sending it twice does no harm: reads, PATCH, DELETE, and the POSTs the
client marks idempotent (promote, moves, the OAuth check, the probe). Safe requests are retried
on 429, 5xx and connection errors. A create is not safe: it is retried only when the server
certainly did nothing (a 429, or a connection that never opened); when it may have been
executed (a timeout or reset after sending, a 5xx), ``UncertainWriteError`` says so and the
caller reconciles. Every attempt is counted, per route template, and logged at DEBUG with the
key and secret values redacted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from duvoform.api.config import DEFAULT_CONCURRENCY
from duvoform.api.ratelimit import RateLimiter
from duvoform.api.retry import Outcome, RetryPolicy, classify_transport_error
from duvoform.errors import (
    ApiError,
    AuthError,
    ConflictError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TransportError,
    UncertainWriteError,
)
from duvoform.redact import redact_body, redact_headers, scrub_prefix, scrub_value

__all__ = ["SAFE_METHODS", "ApiResponse", "Transport", "api_error"]

logger = logging.getLogger("duvoform.api")

SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
_MAX_DETAIL = 300
_MAX_LOGGED_BODY = 2000


@dataclass(frozen=True)
class ApiResponse:
    """A successful (or accepted) answer: status, headers and the decoded JSON body."""

    status: int
    headers: httpx.Headers
    data: Any
    retried_into: bool = False  # accepted only because an earlier attempt may have done it


def _short(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    # scrubbed before the cap, so that the cut never leaves a piece of a secret
    text = scrub_prefix(text, _MAX_DETAIL)
    return text if len(text) <= _MAX_DETAIL else text[:_MAX_DETAIL] + "..."


def api_error(method: str, path: str, status: int, data: Any, text: str = "") -> ApiError:
    """The ``ApiError`` subclass for an error status, carrying the API's ``error``/``message``."""
    body = data if isinstance(data, dict) else {}
    error = _short(body.get("error")) if body else None
    message = _short(body.get("message")) if body else None
    if not body and text:
        message = _short(_plain_text(text))
    cls: type[ApiError] = ApiError
    if status in (401, 403):
        cls = AuthError
    elif status == 404:
        cls = NotFoundError
    elif status == 409:
        cls = ConflictError
    elif status == 429:
        cls = RateLimitError
    elif status >= 500:
        cls = ServerError
    return cls(method, path, status, error, message, scrub_value(body))


def _plain_text(text: str) -> str:
    """A non-JSON error body as one line; an HTML page (a proxy's, or a URL that is not the
    API) is named as such rather than quoted."""
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return "the server answered with an HTML page, not the Duvo API's JSON; check --api-url"
    return " ".join(text.split())


def _decode(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


class Transport:
    """Sends requests through one ``httpx.AsyncClient`` with shared pacing and retries."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        limiter: RateLimiter | None = None,
        policy: RetryPolicy | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.http = http
        self.limiter = limiter or RateLimiter()
        self.policy = policy or RetryPolicy()
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self.request_count = 0
        self.requests_by_route: Counter[str] = Counter()

    async def send(
        self,
        method: str,
        path: str,
        *,
        route: str,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        safe: bool | None = None,
        accept_after_retry: frozenset[int] = frozenset(),
    ) -> ApiResponse:
        """Send one logical request (retrying as its safety allows) and return its answer.

        ``route`` is the path template the request is counted under. ``accept_after_retry``
        lists statuses that mean success once an earlier attempt may have been executed
        (a promote answering 409 "already live", a delete answering 404).
        """
        method = method.upper()
        is_safe = method in SAFE_METHODS if safe is None else safe
        attempt = 0
        rate_limited = 0
        maybe_executed = False
        while True:
            attempt += 1
            try:
                response = await self._attempt(
                    method, path, route, params, body, attempt, first=attempt + rate_limited == 1
                )
            except httpx.TransportError as exc:
                outcome = classify_transport_error(exc)
                reason = _describe(exc, self.http.base_url)
                if outcome is Outcome.FATAL:
                    raise TransportError(method, path, reason) from None
                if outcome is Outcome.UNKNOWN:
                    if not is_safe:
                        raise UncertainWriteError(method, path, reason) from None
                    maybe_executed = True
                if attempt >= self.policy.max_attempts:
                    raise TransportError(
                        method, path, f"{reason} (after {attempt} attempts)"
                    ) from None
                await self.policy.wait(attempt)
                continue

            status = response.status_code
            data = _decode(response)
            if 200 <= status < 300:
                return ApiResponse(status, response.headers, data)
            if maybe_executed and status in accept_after_retry:
                return ApiResponse(status, response.headers, data, retried_into=True)
            if status == 429:
                rate_limited += 1
                attempt -= 1  # a refusal is not a failed attempt; it has its own budget
                if rate_limited > self.policy.max_rate_limited:
                    raise api_error(method, path, status, data, response.text)
                continue  # the limiter now holds every request until retry-after
            if status >= 500:
                if not is_safe:
                    raise UncertainWriteError(
                        method,
                        path,
                        f"the API answered {status} after the request was sent",
                        status=status,
                    )
                maybe_executed = True
                if attempt >= self.policy.max_attempts:
                    raise api_error(method, path, status, data, response.text)
                await self.policy.wait(attempt)
                continue
            raise api_error(method, path, status, data, response.text)

    async def _attempt(
        self,
        method: str,
        path: str,
        route: str,
        params: Mapping[str, str | int] | None,
        body: Any,
        attempt: int,
        *,
        first: bool,
    ) -> httpx.Response:
        request = self.http.build_request(method, path, params=params, json=body)
        if first and logger.isEnabledFor(logging.DEBUG):
            logger.debug("request headers: %s", redact_headers(request.headers))
            if body is not None:
                text = json.dumps(redact_body(body), default=str)
                logger.debug("request body: %s", text[:_MAX_LOGGED_BODY])
        target = request.url.raw_path.decode("ascii", "replace")
        async with self._slots:
            await self.limiter.acquire()
            self.request_count += 1
            self.requests_by_route[route] += 1
            started = time.monotonic()
            response: httpx.Response | None = None
            try:
                response = await self.http.send(request)
            except httpx.TransportError as exc:
                self._log(method, target, type(exc).__name__, attempt, started)
                raise
            finally:
                self.limiter.release(
                    response.headers if response is not None else None,
                    response.status_code if response is not None else None,
                )
        self._log(method, target, str(response.status_code), attempt, started)
        return response

    @staticmethod
    def _log(method: str, target: str, result: str, attempt: int, started: float) -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.debug(
            "%s %s -> %s (attempt %d, %.0f ms)", method, target, result, attempt, elapsed_ms
        )


def _describe(exc: httpx.TransportError, base_url: httpx.URL | None = None) -> str:
    kind = {
        httpx.ConnectError: "could not connect",
        httpx.ConnectTimeout: "timed out connecting",
        httpx.PoolTimeout: "timed out waiting for a free connection",
        httpx.ReadTimeout: "timed out waiting for the answer",
        httpx.WriteTimeout: "timed out sending the request",
        httpx.ReadError: "the connection broke while reading the answer",
        httpx.WriteError: "the connection broke while sending the request",
        httpx.RemoteProtocolError: "the server closed the connection without a full answer",
    }.get(type(exc), type(exc).__name__)
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout) and base_url and base_url.host:
        # Which server could not be reached is the first thing to check (a typo in --api-url).
        kind += f" to {base_url.scheme}://{base_url.netloc.decode('ascii', 'replace')}"
    detail = str(exc).strip()
    return f"{kind} ({detail})" if detail and len(detail) < 200 else kind
