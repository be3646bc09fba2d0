"""OAuth and connection flows, with emulator-only consent routes standing in for the human.

- ``POST /v1/connections/oauth/native/{provider}/start`` and ``.../oauth/mcp/start`` answer
  ``{authorization_url}`` pointing at this server:
  ``<base>/_emulator/oauth/authorize?flow=native&state=...`` (a small consent page).
- ``GET /_emulator/oauth/complete?state=...[&name=...]`` plays the human's consent (no key
  needed) and answers JSON. A native flow creates a connection with ``type`` = the provider
  slug, ``provider: "oauth"``, ``auth_method: "oauth"``, ``has_oauth_tokens: true`` (or
  re-authorizes ``reconnect_instance_id``); an MCP flow creates one with ``type`` =
  ``integration_type`` or ``custom_mcp``, ``auth_method: "oauth"`` and the ``server_url``.
  ``GET /_emulator/oauth/deny?state=...`` refuses instead.
- Composio: start answers ``redirect_url`` (consent page), ``connected_account_id`` and
  ``status: "INITIATED"``; API_KEY, BEARER_TOKEN and BASIC schemes finish at once
  (``redirect_url: null``, ``status: "ACTIVE"``). Consent marks the account ACTIVE; finalize
  then creates the connection (``provider: "composio"``) and answers ``{integration_id, mcp_url}``
  where ``integration_id`` is the new connection's id. Finalize before consent, or with an
  unknown account, is a 400; finalizing again answers the same result.
- ``POST /v1/connections/oauth/mcp/check``: ``supports_dcr`` is true unless the host contains
  ``nodcr``; then the MCP start is a 400.
- ``POST /v1/connections/mcp/probe`` is deterministic: ``success: false`` with an ``error`` when
  the host ends in ``.invalid`` or contains ``unreachable``, or when an ``Authorization`` header
  value is (or ends in) ``invalid`` or ``bad``; otherwise ``success: true`` with three sample
  tools. Nothing here writes except consent and finalize.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from duvoform.emulator.catalog import by_slug
from duvoform.emulator.routes_connections import connection_row
from duvoform.emulator.runtime import Runtime
from duvoform.emulator.schemas import (
    ComposioFinalize,
    ComposioStart,
    McpCheck,
    McpOAuthStart,
    McpProbe,
    NativeOAuthStart,
)
from duvoform.emulator.store import Row, Store
from duvoform.emulator.web import (
    ApiProblem,
    Caller,
    Ctx,
    bad_request,
    endpoint,
    error_response,
    json_response,
    not_found,
)

__all__ = ["CONSENT_ROUTES", "ROUTES"]

_SYNC_SCHEMES = {"API_KEY", "BEARER_TOKEN", "BASIC"}
_SAMPLE_TOOLS = [
    ("search", "Search records by a free-text query."),
    ("get_record", "Fetch one record by its id."),
    ("list_tables", "List the tables or collections the server exposes."),
]


def _start_flow(ctx: Ctx, flow: str, params: dict[str, Any], *, prefix: str = "st_") -> str:
    with ctx.store.tx() as db:
        state = db.ids.token(prefix)
        db.insert(
            "oauth_flows",
            {
                "state": state,
                "flow": flow,
                "team_id": ctx.caller.team_id,
                "user_id": ctx.caller.user_id,
                "params": json.dumps(params),
                "status": "INITIATED" if flow == "composio" else "pending",
                "connection_id": None,
                "created_at": db.ids.now(),
            },
        )
    return state


def _consent_url(ctx: Ctx, flow: str, state: str) -> str:
    injected = ctx.rt.faults.current().oauth_url
    if injected is not None:
        return injected
    return f"{ctx.base_url}/_emulator/oauth/authorize?{urlencode({'flow': flow, 'state': state})}"


@endpoint
async def native_start(ctx: Ctx) -> Response:
    """POST /v1/connections/oauth/native/{provider}/start: {authorization_url}."""
    provider = ctx.path["provider"]
    entry = by_slug(provider)
    if entry is None or not entry.native_oauth:
        raise ApiProblem(404, "not_found", f"unknown OAuth provider {provider!r}")
    body = await ctx.body(NativeOAuthStart, empty_ok=True)
    if body.reconnect_instance_id is not None:
        own = ctx.store.one(
            "SELECT id FROM connections WHERE id = ? AND team_id = ? AND user_id = ?",
            (body.reconnect_instance_id, ctx.caller.team_id, ctx.caller.user_id),
        )
        if own is None:
            not_found("connection")
    params = {
        "provider": provider,
        "return_url": body.return_url,
        "reconnect_instance_id": body.reconnect_instance_id,
        "name": body.name,
    }
    state = _start_flow(ctx, "native", params)
    return json_response({"authorization_url": _consent_url(ctx, "native", state)})


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@endpoint
async def mcp_start(ctx: Ctx) -> Response:
    """POST /v1/connections/oauth/mcp/start: {authorization_url}."""
    body = await ctx.body(McpOAuthStart)
    if "nodcr" in _host(body.mcp_server_url):
        raise ApiProblem(
            400, "dcr_not_supported", "the MCP server does not support dynamic client registration"
        )
    if body.reconnect_instance_id is not None:
        own = ctx.store.one(
            "SELECT id FROM connections WHERE id = ? AND team_id = ? AND user_id = ?",
            (body.reconnect_instance_id, ctx.caller.team_id, ctx.caller.user_id),
        )
        if own is None:
            bad_request("reconnect_instance_id", "connection not found")
    state = _start_flow(ctx, "mcp", body.model_dump(mode="json"))
    return json_response({"authorization_url": _consent_url(ctx, "mcp", state)})


@endpoint
async def mcp_check(ctx: Ctx) -> Response:
    """POST /v1/connections/oauth/mcp/check."""
    body = await ctx.body(McpCheck)
    parts = urlsplit(body.mcp_server_url)
    if "nodcr" in _host(body.mcp_server_url):
        return json_response({"supports_dcr": False})
    return json_response(
        {
            "supports_dcr": True,
            "authorization_endpoint": f"{parts.scheme}://{parts.netloc}/oauth/authorize",
            "scopes": ["mcp:tools", "offline_access"],
        }
    )


@endpoint
async def mcp_probe(ctx: Ctx) -> Response:
    """POST /v1/connections/mcp/probe: a dry run that never writes."""
    body = await ctx.body(McpProbe)
    ctx.rt.probes.append({"server_url": body.server_url, "headers": dict(body.headers or {})})
    host = _host(body.server_url)
    if host.endswith(".invalid") or "unreachable" in host:
        return json_response({"success": False, "error": f"could not connect to {host}"})
    for name, value in (body.headers or {}).items():
        words = value.strip().lower().split()
        if name.lower() == "authorization" and words and words[-1] in ("invalid", "bad"):
            return json_response({"success": False, "error": f"{host} answered 401 Unauthorized"})
    tools = [
        {
            "name": name,
            "description": description,
            "input_schema": {"type": "object", "properties": {}},
        }
        for name, description in _SAMPLE_TOOLS
    ]
    return json_response({"success": True, "tools": tools})


@endpoint
async def composio_start(ctx: Ctx) -> Response:
    """POST /v1/connections/composio/start."""
    body = await ctx.body(ComposioStart)
    params = {"auth_config_id": body.auth_config_id, "callback_url": body.callback_url}
    account = _start_flow(ctx, "composio", params, prefix="ca_")
    if (body.auth_scheme or "").upper() in _SYNC_SCHEMES:
        with ctx.store.tx() as db:
            db.run("UPDATE oauth_flows SET status = 'ACTIVE' WHERE state = ?", (account,))
        return json_response(
            {"redirect_url": None, "status": "ACTIVE", "connected_account_id": account}
        )
    return json_response(
        {
            "redirect_url": _consent_url(ctx, "composio", account),
            "status": "INITIATED",
            "connected_account_id": account,
        }
    )


def _mcp_url(account: str) -> str:
    return f"https://mcp.composio.emulator.duvo.local/{account}/mcp"


@endpoint
async def composio_finalize(ctx: Ctx) -> Response:
    """POST /v1/connections/composio/finalize: {integration_id, mcp_url}."""
    body = await ctx.body(ComposioFinalize)
    account = body.connected_account_id
    with ctx.store.tx() as db:
        flow = db.one(
            "SELECT * FROM oauth_flows WHERE state = ? AND flow = 'composio' AND team_id = ? "
            "AND user_id = ?",
            (account, ctx.caller.team_id, ctx.caller.user_id),
        )
        if flow is None:
            bad_request("connected_account_id", "unknown connected account")
        if flow["connection_id"] is not None:
            return json_response(
                {"integration_id": flow["connection_id"], "mcp_url": _mcp_url(account)}
            )
        if flow["status"] != "ACTIVE":
            bad_request(
                "connected_account_id",
                f"the account is not authorized yet (status {flow['status']})",
            )
        entry = by_slug(body.app)
        row = connection_row(
            db,
            ctx.caller,
            name=body.integration_name,
            type=body.app,
            provider="composio",
            server_url=_mcp_url(account),
            auth_method="oauth",
            integration_id=entry.id if entry else None,
            composio_mcp_id=account,
            has_oauth_tokens=1,
        )
        db.insert("connections", row)
        db.run("UPDATE oauth_flows SET connection_id = ? WHERE state = ?", (row["id"], account))
        ctx.wrote()
    return json_response({"integration_id": row["id"], "mcp_url": _mcp_url(account)})


# -- emulator-only consent routes (no key) ---------------------------------------------------


def _authorize_flow(store: Store, flow: Row, caller: Caller, name: str | None) -> str | None:
    params = json.loads(flow["params"])
    if flow["flow"] == "composio":
        store.run("UPDATE oauth_flows SET status = 'ACTIVE' WHERE state = ?", (flow["state"],))
        return None
    reconnect = params.get("reconnect_instance_id")
    if reconnect:
        store.update(
            "connections", "id", reconnect, {"has_oauth_tokens": 1, "updated_at": store.ids.now()}
        )
        connection_id: str = reconnect
    elif flow["flow"] == "native":
        entry = by_slug(params["provider"])
        assert entry is not None
        row = connection_row(
            store,
            caller,
            name=name or params.get("name") or f"{entry.name} ({caller.user_email})",
            type=entry.slug,
            provider="oauth",
            auth_method="oauth",
            integration_id=entry.id,
            oauth_provider=entry.oauth_provider,
            oauth_scopes=json.dumps(list(entry.scopes)),
            has_oauth_tokens=1,
        )
        store.insert("connections", row)
        connection_id = row["id"]
    else:
        integration_type = params.get("integration_type") or "custom_mcp"
        entry = by_slug(integration_type)
        row = connection_row(
            store,
            caller,
            name=name or params["name"],
            type=integration_type,
            provider="user",
            server_url=params["mcp_server_url"],
            auth_method="oauth",
            custom_integration_id=params.get("custom_integration_id") or store.ids.new_id(),
            integration_id=entry.id if entry and integration_type != "custom_mcp" else None,
            has_oauth_tokens=1,
        )
        store.insert("connections", row)
        connection_id = row["id"]
    store.update("oauth_flows", "state", flow["state"], {"connection_id": connection_id})
    return connection_id


def _flow_or_error(runtime: Runtime, request: Request) -> Row | Response:
    state = request.query_params.get("state", "")
    flow = runtime.store.one("SELECT * FROM oauth_flows WHERE state = ?", (state,))
    if flow is None:
        return error_response(404, "not_found", "unknown OAuth state")
    if flow["status"] not in ("pending", "INITIATED"):
        return error_response(400, "flow_finished", f"this flow is already {flow['status']}")
    return flow


async def consent_page(request: Request) -> Response:
    """GET /_emulator/oauth/authorize: what a person would see; links to allow or deny."""
    runtime: Runtime = request.app.state.emulator
    found = _flow_or_error(runtime, request)
    if isinstance(found, Response):
        return found
    query = html.escape(urlencode({"state": found["state"]}))
    return HTMLResponse(
        "<!doctype html><title>Duvo emulator: authorize</title>"
        f"<h1>Authorize a {html.escape(found['flow'])} connection?</h1>"
        f'<p><a href="complete?{query}">Allow</a> | <a href="deny?{query}">Deny</a></p>'
    )


async def consent_complete(request: Request) -> Response:
    """GET /_emulator/oauth/complete?state=...[&name=...]: consent given."""
    runtime: Runtime = request.app.state.emulator
    found = _flow_or_error(runtime, request)
    if isinstance(found, Response):
        return found
    user = runtime.user(found["user_id"]) or {"name": None, "email": ""}
    caller = Caller(found["team_id"], found["user_id"], user["name"], user["email"], "")
    with runtime.store.tx() as db:
        connection_id = _authorize_flow(db, found, caller, request.query_params.get("name"))
        status = "ACTIVE" if found["flow"] == "composio" else "authorized"
        db.update("oauth_flows", "state", found["state"], {"status": status})
    params = json.loads(found["params"])
    return json_response(
        {
            "state": found["state"],
            "flow": found["flow"],
            "status": status,
            "connection_id": connection_id,
            "return_url": params.get("return_url") or params.get("callback_url"),
        }
    )


async def consent_deny(request: Request) -> Response:
    """GET /_emulator/oauth/deny?state=...: consent refused (Composio status FAILED)."""
    runtime: Runtime = request.app.state.emulator
    found = _flow_or_error(runtime, request)
    if isinstance(found, Response):
        return found
    status = "FAILED" if found["flow"] == "composio" else "denied"
    with runtime.store.tx() as db:
        db.update("oauth_flows", "state", found["state"], {"status": status})
    return json_response({"state": found["state"], "flow": found["flow"], "status": status})


ROUTES = [
    Route("/v1/connections/oauth/native/{provider}/start", native_start, methods=["POST"]),
    Route("/v1/connections/oauth/mcp/start", mcp_start, methods=["POST"]),
    Route("/v1/connections/oauth/mcp/check", mcp_check, methods=["POST"]),
    Route("/v1/connections/mcp/probe", mcp_probe, methods=["POST"]),
    Route("/v1/connections/composio/start", composio_start, methods=["POST"]),
    Route("/v1/connections/composio/finalize", composio_finalize, methods=["POST"]),
]

CONSENT_ROUTES = [
    Route("/_emulator/oauth/authorize", consent_page, methods=["GET"]),
    Route("/_emulator/oauth/complete", consent_complete, methods=["GET"]),
    Route("/_emulator/oauth/deny", consent_deny, methods=["GET"]),
]
