"""The emulator's front door: Host and Origin checks, a body size limit and a nesting limit.

The emulator listens on a developer's machine, so a web page in their browser can reach it:
a cross-origin ``text/plain`` POST needs no preflight, and DNS rebinding makes a page's own
host name point at 127.0.0.1. So every request must name a local host (or the host the
emulator was bound to) in ``Host`` (else 421), and a request that carries an ``Origin`` (only
browsers send one) must come from such a host too (else 403). API bodies past ``MAX_BODY``
bytes are a 413 (control routes, which seed whole teams, allow ``MAX_CONTROL_BODY``), and JSON
nested deeper than ``MAX_NESTING`` is a 400 (``too_deep``, asked before a body is decoded).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "LOCAL_HOSTS",
    "MAX_BODY",
    "MAX_CONTROL_BODY",
    "MAX_NESTING",
    "RequestGuard",
    "nesting_depth",
    "too_deep",
]

MAX_BODY = 1_000_000
"""The largest request body, in bytes."""
MAX_CONTROL_BODY = 64_000_000
"""The largest body of a control route (``/_emulator/seed`` loads whole teams)."""
MAX_NESTING = 64
"""The deepest nesting of arrays and objects in a JSON body."""
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "duvo.local", "emulator", "testserver"})
"""Hosts always accepted: loopback, and names used in process only (no browser reaches those)."""

_OPEN = {ord("["), ord("{")}
_CLOSE = {ord("]"), ord("}")}
_QUOTE, _BACKSLASH = ord('"'), ord("\\")


def nesting_depth(body: bytes, stop: int) -> int:
    """How deeply ``body``'s arrays and objects nest (strings skipped); stops past ``stop``."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop:
                    break
        elif byte in _CLOSE:
            depth -= 1
    return deepest


def _host_name(value: str) -> str:
    """The host of a ``Host`` header or an origin, without port or IPv6 brackets."""
    netloc = urlsplit(value).netloc if "://" in value else value
    host = netloc.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host[1 : host.find("]")].lower()
    return host.split(":", 1)[0].lower()


class RequestGuard:
    """ASGI middleware in front of everything the emulator serves."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.hosts = LOCAL_HOSTS | {_host_name(host) for host in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = _host_name(headers.get("host", ""))
        if host not in self.hosts:
            await _refuse(send, 421, "misdirected_request", "this host is not served here")
            return
        origin = headers.get("origin")
        if origin is not None and _host_name(origin) not in self.hosts:
            await _refuse(send, 403, "forbidden", "cross-origin requests are refused")
            return
        limit = MAX_CONTROL_BODY if scope["path"].startswith("/_emulator/") else MAX_BODY
        too_large = f"bodies are limited to {limit} bytes"
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, "payload_too_large", too_large)
            return
        if declared.isdigit():  # the server holds the body to its declared length
            await self.app(scope, receive, send)
            return
        # A streamed body is read here, up to the limit, then handed on. (A declared one is
        # not: a handler must still see a client that went away before it read the body.)
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _refuse(send, 413, "payload_too_large", too_large)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def too_deep(body: bytes) -> bool:
    """True when a JSON body nests arrays and objects more than ``MAX_NESTING`` deep."""
    cheap = body.count(b"[") + body.count(b"{") > MAX_NESTING
    return cheap and nesting_depth(body, MAX_NESTING) > MAX_NESTING


async def _refuse(send: Send, status: int, error: str, message: str) -> None:
    body = json.dumps({"error": error, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
