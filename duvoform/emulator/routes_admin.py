"""Emulator-only routes under ``/_emulator`` (no key, not counted, not rate limited).

- ``GET /_emulator/health``: ``{"ok": true}``.
- ``GET /_emulator/stats`` (``DELETE`` clears it): see ``stats.py``.
- ``POST /_emulator/reset``: empties state and stats and restores keys, rate limit and faults
  to the settings the app was started with.
- ``POST /_emulator/seed``: bulk state (see ``seed.py``); answers the ids made.
- ``POST /_emulator/schedules``: seed schedules (v1 cannot write them): a list, one schedule,
  or ``{"team": ..., "schedules": [...]}``.
- ``GET /_emulator/state``: every row of every table, and ``probes`` (the server URL and headers
  of every MCP probe since the last reset), including write-only data (handover targets), but
  never a secret header value: each is a salted fingerprint (``store.fingerprint``; check one
  with ``store.fingerprint_matches``), unless the emulator was made with ``reveal_secrets``
  (tests only).
- ``GET/PUT/PATCH /_emulator/faults``: the fault settings (PUT replaces, PATCH merges).
- ``GET/PUT /_emulator/rate-limit``: ``{"limit": N, "window_seconds": S}``; a change starts
  every window afresh.
- ``POST /_emulator/keys``: ``{"key": ..., "team": ...}`` accepts another key (until reset).
- ``GET /_emulator/openapi.json``: the API description the emulator follows.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from duvoform.emulator.guard import MAX_NESTING, too_deep
from duvoform.emulator.runtime import Runtime
from duvoform.emulator.seed import apply_seed
from duvoform.emulator.settings import DEFAULT_TEAM, FaultSettings
from duvoform.emulator.store import fingerprint
from duvoform.emulator.web import ApiProblem, bad_request, json_response, validation_message

__all__ = ["ADMIN_HEADER", "ROUTES"]

AdminHandler = Callable[[Request, Runtime], Awaitable[Response]]


ADMIN_HEADER = "x-emulator-admin"
"""The header that carries the admin token, when the emulator was given one."""
_STATE_SALT = secrets.token_hex(16)
"""Salt of the fingerprints ``/_emulator/state`` shows for in-memory secrets: one per process,
so that two reads of unchanged state compare equal."""
_OPEN_ROUTES = frozenset({"health", "openapi"})  # hold no state and change nothing


def _admin(handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        runtime: Runtime = request.app.state.emulator
        token = runtime.settings.admin_token
        given = request.headers.get(ADMIN_HEADER, "")
        if (
            token is not None
            and handler.__name__ not in _OPEN_ROUTES
            and not hmac.compare_digest(given.encode(), token.encode())
        ):
            return json_response(
                {"error": "forbidden", "message": f"control routes need the {ADMIN_HEADER} token"},
                403,
            )
        try:
            return await handler(request, runtime)
        except ApiProblem as problem:
            return problem.response()

    run.__name__ = handler.__name__
    return run


async def _json(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        return {}
    if too_deep(body):
        raise ApiProblem(400, "invalid_json", f"JSON nested more than {MAX_NESTING} deep")
    try:
        return json.loads(body)
    except ValueError:
        raise ApiProblem(400, "invalid_json", "the request body is not valid JSON") from None


def _validate(model: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        bad_request("body", "must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiProblem(400, "validation_error", validation_message(exc, data)) from None


@_admin
async def health(request: Request, rt: Runtime) -> Response:
    return json_response({"ok": True})


@_admin
async def stats(request: Request, rt: Runtime) -> Response:
    if request.method == "DELETE":
        rt.stats.clear()
    return json_response(rt.stats.snapshot())


@_admin
async def reset(request: Request, rt: Runtime) -> Response:
    rt.reset()
    return json_response({"success": True})


@_admin
async def seed(request: Request, rt: Runtime) -> Response:
    return json_response(apply_seed(rt, await _json(request)), 201)


@_admin
async def seed_schedules(request: Request, rt: Runtime) -> Response:
    data = await _json(request)
    if isinstance(data, list):
        data = {"team": DEFAULT_TEAM, "schedules": data}
    elif isinstance(data, dict) and "schedules" not in data:
        data = {"team": data.pop("team", DEFAULT_TEAM), "schedules": [data]}
    if not isinstance(data, dict):
        bad_request("body", "must be a list of schedules or an object")
    result = apply_seed(rt, {"team": data.get("team", DEFAULT_TEAM), **data})
    return json_response({"schedules": result["schedules"]}, 201)


@_admin
async def state(request: Request, rt: Runtime) -> Response:
    dump: dict[str, Any] = dict(rt.store.dump())
    in_memory = rt.store.path is None  # a file holds fingerprints already
    in_memory = in_memory and not rt.settings.reveal_secrets
    for row in dump.get("connections", []):
        secret = row.get("headers_secret") or {}
        row["headers_secret"] = {
            name: fingerprint(value, _STATE_SALT) if in_memory else value
            for name, value in secret.items()
        }
    dump["rate_limit"] = {"limit": rt.limiter.limit, "window_seconds": rt.limiter.window}
    dump["faults"] = rt.faults.current().model_dump()
    # a probe's headers are secret values too, whatever store the emulator keeps
    hide = not rt.settings.reveal_secrets
    probes: list[dict[str, object]] = []
    for probe in rt.probes:
        headers = probe.get("headers")
        sent = headers if isinstance(headers, dict) else {}
        shown = {k: fingerprint(str(v), _STATE_SALT) if hide else v for k, v in sent.items()}
        probes.append({**probe, "headers": shown})
    dump["probes"] = probes
    return json_response(dump)


@_admin
async def faults(request: Request, rt: Runtime) -> Response:
    if request.method == "PUT":
        rt.faults.configure(_validate(FaultSettings, await _json(request)))
    elif request.method == "PATCH":
        data = await _json(request)
        if not isinstance(data, dict):
            bad_request("body", "must be a JSON object")
        merged = {**rt.faults.current().model_dump(), **data}
        rt.faults.configure(_validate(FaultSettings, merged))
    return json_response(rt.faults.current().model_dump())


class RateLimitBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(ge=1)
    window_seconds: float = Field(gt=0)


@_admin
async def rate_limit(request: Request, rt: Runtime) -> Response:
    if request.method == "PUT":
        body = _validate(RateLimitBody, await _json(request))
        rt.limiter.configure(body.limit, body.window_seconds)
    return json_response({"limit": rt.limiter.limit, "window_seconds": rt.limiter.window})


class KeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, pattern=r"^\S+$")
    team: str = Field(default=DEFAULT_TEAM, min_length=1)


@_admin
async def keys(request: Request, rt: Runtime) -> Response:
    body = _validate(KeyBody, await _json(request))
    caller = rt.add_key(body.key, body.team)
    return json_response({"team_id": caller.team_id, "user_id": caller.user_id}, 201)


@_admin
async def openapi(request: Request, rt: Runtime) -> Response:
    text = resources.files("duvoform.emulator").joinpath("openapi.json").read_text("utf-8")
    return Response(text, media_type="application/json")


ROUTES = [
    Route("/_emulator/health", health, methods=["GET"]),
    Route("/_emulator/stats", stats, methods=["GET", "DELETE"]),
    Route("/_emulator/reset", reset, methods=["POST"]),
    Route("/_emulator/seed", seed, methods=["POST"]),
    Route("/_emulator/schedules", seed_schedules, methods=["POST"]),
    Route("/_emulator/state", state, methods=["GET"]),
    Route("/_emulator/faults", faults, methods=["GET", "PUT", "PATCH"]),
    Route("/_emulator/rate-limit", rate_limit, methods=["GET", "PUT"]),
    Route("/_emulator/keys", keys, methods=["POST"]),
    Route("/_emulator/openapi.json", openapi, methods=["GET"]),
]
