"""Connections: list, create (custom MCP only), get, update, delete, credentials.

- Visibility: the caller's own connections plus team-shared ones; another user's personal
  connection, or another team's, is a 404. Only the owner may update or delete (403).
- ``/credentials`` answers ``{id, headers: {name: value}}`` where every *secret* header value is
  ``""`` and plaintext values are returned as stored (open question 13; inferred).
- PATCH ``headers``: each section sent (``plaintext``, ``secret``) replaces that section; a
  section left out is kept; ``""`` as a secret value keeps the stored value of that header
  (400 when there is none to keep); ``headers: null`` removes every header.
- Create: ``provider`` must be ``user`` and ``type`` ``custom_mcp`` (OAuth connections come
  from the OAuth flows); ``server_url`` is required. A new ``custom_integration_id`` is made
  unless one of an existing connection of the team is given (an unknown one is a 404).
  ``shared`` cannot be set on create (false); PATCH sets it.
- Delete removes the connection and every pin of it.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from duvoform.emulator.lookups import connection_of
from duvoform.emulator.schemas import CreateConnection, HeaderSet, UpdateConnection
from duvoform.emulator.store import Row, Store
from duvoform.emulator.views import connection_out
from duvoform.emulator.web import ApiProblem, Caller, Ctx, bad_request, endpoint, json_response

__all__ = ["ROUTES", "connection_row"]


def connection_row(store: Store, caller: Caller, **fields: Any) -> Row:
    """A complete connections row owned by the caller (``fields`` override the defaults)."""
    now = store.ids.now()
    row: Row = {
        "id": store.ids.new_id(),
        "team_id": caller.team_id,
        "user_id": caller.user_id,
        "name": "",
        "type": "custom_mcp",
        "provider": "user",
        "server_url": None,
        "transport_type": "http",
        "auth_method": None,
        "custom_integration_id": None,
        "integration_id": None,
        "icon_url": None,
        "oauth_provider": None,
        "oauth_scopes": None,
        "has_oauth_tokens": 0,
        "shared": 0,
        "created_by": caller.user_id,
        "composio_mcp_id": None,
        "headers_plain": "{}",
        "headers_secret": "{}",
        "created_at": now,
        "updated_at": now,
    }
    row.update(fields)
    return row


def _check_names(plain: dict[str, str], secret: dict[str, str]) -> None:
    for section, names in (("plaintext", plain), ("secret", secret)):
        for name in names:
            if not name.strip():
                bad_request(f"headers.{section}", "header names must not be empty")
    both = sorted(set(plain) & set(secret))
    if both:
        bad_request("headers", f"{both[0]} is both a plaintext and a secret header")


def _new_headers(store: Store, headers: HeaderSet | None) -> tuple[str, str]:
    plain = dict(headers.plaintext or {}) if headers else {}
    secret = dict(headers.secret or {}) if headers else {}
    _check_names(plain, secret)
    for name, value in secret.items():
        if value == "":
            bad_request(f"headers.secret.{name}", "a new secret header needs a value")
    return json.dumps(plain), json.dumps({k: store.seal_secret(v) for k, v in secret.items()})


def _patched_headers(store: Store, row: Row, headers: HeaderSet) -> tuple[str, str]:
    plain: dict[str, str] = json.loads(row["headers_plain"])
    stored: dict[str, str] = json.loads(row["headers_secret"])
    if headers.plaintext is not None:
        plain = dict(headers.plaintext)
    secret = stored
    if headers.secret is not None:
        secret = {}
        for name, value in headers.secret.items():
            if value == "":
                if name not in stored:
                    bad_request(f"headers.secret.{name}", "no stored value to keep")
                secret[name] = stored[name]
            else:
                secret[name] = store.seal_secret(value)
    _check_names(plain, secret)
    return json.dumps(plain), json.dumps(secret)


@endpoint
async def list_connections(ctx: Ctx) -> Response:
    """GET /v1/connections?type&limit&offset: own and team-shared, oldest first."""
    limit, offset = ctx.page(100)
    where = "team_id = ? AND (user_id = ? OR shared = 1)"
    params: list[Any] = [ctx.caller.team_id, ctx.caller.user_id]
    kind = ctx.query("type")
    if kind is not None:
        where += " AND type = ?"
        params.append(kind)
    with ctx.store.read() as db:
        total = db.scalar(f"SELECT COUNT(*) FROM connections WHERE {where}", params)
        rows = db.all(
            f"SELECT * FROM connections WHERE {where} ORDER BY created_at, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    return json_response(
        {
            "integrations": [connection_out(r) for r in rows],
            "total": total,
            "limit": limit,
            "offset": offset,
        }
    )


@endpoint
async def create_connection(ctx: Ctx) -> Response:
    """POST /v1/connections (custom MCP): 201 Connection."""
    body = await ctx.body(CreateConnection)
    if body.type != "custom_mcp":
        bad_request("type", "only custom_mcp connections can be created here; use the OAuth flows")
    if body.server_url is None:
        bad_request("server_url", "field required for a custom MCP connection")
    with ctx.store.tx() as db:
        custom_id = body.custom_integration_id
        if custom_id is not None:
            known = db.scalar(
                "SELECT id FROM connections WHERE team_id = ? AND custom_integration_id = ?",
                (ctx.caller.team_id, custom_id),
            )
            if known is None:
                raise ApiProblem(404, "not_found", f"custom integration {custom_id} not found")
        plain, secret = _new_headers(db, body.headers)
        row = connection_row(
            db,
            ctx.caller,
            name=body.name,
            server_url=body.server_url,
            auth_method=body.auth_method,
            custom_integration_id=custom_id or db.ids.new_id(),
            headers_plain=plain,
            headers_secret=secret,
        )
        db.insert("connections", row)
        ctx.wrote()
    return json_response(connection_out(row), 201)


@endpoint
async def get_connection(ctx: Ctx) -> Response:
    """GET /v1/connections/{connection_id}: the bare Connection."""
    row = connection_of(ctx.store, ctx.caller, ctx.path["connection_id"])
    return json_response(connection_out(row))


def _owned(ctx: Ctx, store: Store) -> Row:
    row = connection_of(store, ctx.caller, ctx.path["connection_id"])
    if row["user_id"] != ctx.caller.user_id:
        raise ApiProblem(403, "forbidden", "only the owner can change this connection")
    return row


@endpoint
async def update_connection(ctx: Ctx) -> Response:
    """PATCH /v1/connections/{connection_id}."""
    body = await ctx.body(UpdateConnection)
    if nulls := body.null_fields("name", "server_url", "auth_method", "shared"):
        bad_request(nulls[0], "must not be null")
    with ctx.store.tx() as db:
        row = _owned(ctx, db)
        changes: Row = {}
        for field in ("name", "server_url", "auth_method", "composio_mcp_id"):
            if body.given(field) and getattr(body, field) != row[field]:
                changes[field] = getattr(body, field)
        if body.shared is not None and int(body.shared) != row["shared"]:
            changes["shared"] = int(body.shared)
        if body.given("headers"):
            if body.headers is None:
                plain, secret = "{}", "{}"
            else:
                plain, secret = _patched_headers(db, row, body.headers)
            if plain != row["headers_plain"] or secret != row["headers_secret"]:
                changes.update(headers_plain=plain, headers_secret=secret)
        if changes:
            changes["updated_at"] = db.ids.now()
            db.update("connections", "id", row["id"], changes)
            ctx.wrote()
        fresh = connection_of(db, ctx.caller, row["id"])
    return json_response(connection_out(fresh))


@endpoint
async def delete_connection(ctx: Ctx) -> Response:
    """DELETE /v1/connections/{connection_id}: {success, message}."""
    with ctx.store.tx() as db:
        row = _owned(ctx, db)
        db.run("DELETE FROM slot_pins WHERE connection_id = ?", (row["id"],))
        db.run("DELETE FROM connections WHERE id = ?", (row["id"],))
        ctx.wrote()
    return json_response({"success": True, "message": "Connection deleted"})


@endpoint
async def get_credentials(ctx: Ctx) -> Response:
    """GET /v1/connections/{connection_id}/credentials: names; secret values are ``""``."""
    row = connection_of(ctx.store, ctx.caller, ctx.path["connection_id"])
    headers: dict[str, str] = dict(json.loads(row["headers_plain"]))
    headers.update({name: "" for name in json.loads(row["headers_secret"])})
    return json_response({"id": row["id"], "headers": dict(sorted(headers.items()))})


ROUTES = [
    Route("/v1/connections", list_connections, methods=["GET"]),
    Route("/v1/connections", create_connection, methods=["POST"]),
    Route("/v1/connections/{connection_id}", get_connection, methods=["GET"]),
    Route("/v1/connections/{connection_id}", update_connection, methods=["PATCH"]),
    Route("/v1/connections/{connection_id}", delete_connection, methods=["DELETE"]),
    Route("/v1/connections/{connection_id}/credentials", get_credentials, methods=["GET"]),
]
