"""The emulator's ASGI app and the pipeline every API request goes through.

Order for a request outside ``/_emulator``: count it (stats) -> decide injected faults ->
injected latency -> injected reset / 429 burst / 5xx -> authentication (401) -> rate limit
(429) -> routing and the handler (404 for an unknown path, 405 for an unknown method on a
known path) -> commit-then-drop.
Every response that leaves carries ``x-ratelimit-limit``, ``x-ratelimit-remaining`` and
``x-ratelimit-reset`` (an unauthenticated caller sees the untouched numbers of a shared
anonymous bucket). An unexpected exception in a handler becomes a JSON 500.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from typing import Any, NoReturn

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from duvoform.emulator import (
    routes_admin,
    routes_agents,
    routes_builds,
    routes_connections,
    routes_folders,
    routes_oauth,
    routes_slots,
)
from duvoform.emulator.faults import EmulatedDisconnect, echo_message
from duvoform.emulator.guard import RequestGuard
from duvoform.emulator.ratelimit import Decision
from duvoform.emulator.runtime import Runtime
from duvoform.emulator.settings import EmulatorSettings
from duvoform.emulator.web import CALLER_SCOPE_KEY, WROTE_SCOPE_KEY

__all__ = ["API_ROUTES", "create_app"]

log = logging.getLogger("duvoform.emulator")

_INJECTED_ERRORS = {
    400: "bad_request",
    409: "conflict",
    422: "validation_error",
    500: "internal_error",
}


def _one_route_per_path(routes: Sequence[Route]) -> list[Route]:
    """One route per path that dispatches on the method: Starlette answers 405 from the first
    route whose path matches, so with a route per method its ``Allow`` header would name only
    that route's methods."""
    by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
    for route in routes:
        handlers = by_path.setdefault(route.path, {})
        for method in route.methods or ():
            handlers[method] = route.endpoint
    return [
        Route(path, _dispatch(handlers), methods=sorted(handlers))
        for path, handlers in by_path.items()
    ]


def _dispatch(
    handlers: Mapping[str, Callable[[Request], Awaitable[Response]]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await handlers[request.method](request)

    return endpoint


API_ROUTES: list[Route] = _one_route_per_path(
    [
        *routes_agents.ROUTES,
        *routes_builds.ROUTES,
        *routes_slots.ROUTES,
        *routes_folders.ROUTES,
        *routes_connections.ROUTES,
        *routes_oauth.ROUTES,
    ]
)
"""Every ``/v1`` route the emulator serves."""

_ANONYMOUS = "\x00anonymous"


def create_app(settings: EmulatorSettings | None = None) -> Starlette:
    """A new emulator app with its own state (opened now: no lifespan events are needed)."""
    runtime = Runtime(settings or EmulatorSettings())
    app = Starlette(
        routes=[*API_ROUTES, *routes_admin.ROUTES, *routes_oauth.CONSENT_ROUTES],
        middleware=[
            Middleware(RequestGuard, hosts=runtime.settings.hosts),
            Middleware(Pipeline, runtime=runtime, routes=API_ROUTES),
        ],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.emulator = runtime
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        body = {
            "error": "method_not_allowed",
            "message": f"{request.method} is not allowed on {request.url.path}",
        }
    else:
        body = {
            "error": "not_found",
            "message": f"no route for {request.method} {request.url.path}",
        }
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            text: str = value.decode("latin-1")
            scheme, _, token = text.strip().partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


def _with_headers(message: Message, extra: dict[str, str]) -> Message:
    drop = {name.encode() for name in extra}
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in drop]
    headers.extend((name.encode(), value.encode()) for name, value in extra.items())
    return {**message, "headers": headers}


class Pipeline:
    """ASGI middleware: stats, faults, authentication, rate limiting, then the routes."""

    def __init__(self, app: ASGIApp, runtime: Runtime, routes: Sequence[Route]) -> None:
        self.app = app
        self.rt = runtime
        self.routes = list(routes)

    def template(self, scope: Scope) -> str | None:
        """The route template a request hits (also when only the path matches)."""
        partial = None
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return str(route.path)
            if match is Match.PARTIAL and partial is None:
                partial = str(route.path)
        return partial

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_emulator/"):
            await self.app(scope, receive, send)
            return
        rt = self.rt
        method: str = scope["method"]
        template = self.template(scope)
        rt.stats.request(f"{method} {template or '(unmatched)'}")
        where = template or scope["path"]
        # faults are decided on arrival, so a seeded run repeats whatever the latency
        fault = rt.faults.before(method, where)
        delay = rt.faults.latency(method, where)
        if delay:
            await asyncio.sleep(delay)
        key = _bearer(scope)
        caller = rt.caller_for(key) if key else None
        bucket = caller.bucket if caller else _ANONYMOUS

        if fault is not None:
            rt.stats.fault(fault.effect)
            if fault.effect == "reset":
                await _disconnect(send, fault.status)
            decision = rt.limiter.peek(bucket)
            if fault.effect == "burst_429":
                headers = {**decision.headers(), "retry-after": str(fault.retry_after)}
                body = {"error": "rate_limited", "message": "too many requests; retry later"}
            else:
                headers = decision.headers()
                message = rt.faults.current().error_message
                body = {
                    "error": _INJECTED_ERRORS.get(fault.status, "service_unavailable"),
                    "message": message
                    or "the server failed to handle the request (injected fault)",
                }
            await self._respond(send, fault.status, body, headers)
            return

        if caller is None:
            body = {"error": "unauthorized", "message": "missing or invalid API key"}
            await self._respond(send, 401, body, rt.limiter.peek(_ANONYMOUS).headers())
            return
        decision = rt.limiter.hit(caller.bucket)
        if not decision.allowed:
            rt.stats.limited()
            body = {
                "error": "rate_limited",
                "message": f"rate limit of {decision.limit} requests exceeded; "
                f"retry after {decision.retry_after} s",
            }
            await self._respond(send, 429, body, decision.headers())
            return
        scope[CALLER_SCOPE_KEY] = caller
        forms = rt.faults.echo(method, where)
        if forms:
            rt.stats.fault("echo")
            raw = await _read_body(receive)
            body = {"error": "invalid_request", "message": echo_message(raw, forms)}
            await self._respond(send, 422, body, decision.headers())
            return
        await self._handle(scope, receive, send, decision, method, where)

    async def _handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        decision: Decision,
        method: str,
        where: str,
    ) -> None:
        messages: list[Message] = []

        async def capture(message: MutableMapping[str, Any]) -> None:
            messages.append(dict(message))

        try:
            await self.app(scope, receive, capture)
        except Exception:
            log.exception("emulator handler failed for %s %s", method, where)
            body = {"error": "internal_error", "message": "unexpected emulator error"}
            await self._respond(send, 500, body, decision.headers())
            return
        start = messages[0] if messages else {"status": 500}
        status = int(start["status"])
        if scope.get(WROTE_SCOPE_KEY) and status < 400:
            self.rt.stats.write()
            if self.rt.faults.drop_after(method, where):
                self.rt.stats.fault("drop_after_commit")
                await _disconnect(send, status)
        self.rt.stats.response(status)
        for message in messages:
            if message["type"] == "http.response.start":
                message = _with_headers(message, decision.headers())
            await send(message)

    async def _respond(
        self, send: Send, status: int, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        self.rt.stats.response(status)
        response = JSONResponse(body, status_code=status, headers=headers)
        await response({"type": "http"}, _no_receive, send)


async def _read_body(receive: Receive) -> str:
    raw, more = b"", True
    while more:
        message = await receive()
        raw += message.get("body", b"")
        more = message.get("more_body", False)
    return raw.decode("utf-8", "replace")


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


async def _disconnect(send: Send, status: int) -> NoReturn:
    """Start a response, then abort it: the client sees a dropped connection."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"1024")],
        }
    )
    raise EmulatedDisconnect("connection dropped by the emulator (injected fault)")
