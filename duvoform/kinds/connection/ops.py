"""Handlers for connections: ``connection.create``, ``.update``, ``.delete``, ``.authorize``.

Secret header values are read (``StepContext.revealed``) only to build the request body about
to be sent; nothing keeps them. ``shared`` cannot be set by the create body, so a connection
that should be shared is PATCHed right after. A lost create is looked for among the
connections of the same name and type (the newest is adopted). Deleting a connection that is
already gone is done. ``connection.authorize`` makes no request: an OAuth connection needs a
person in a browser, so the step is reported as pending with the command that starts the flow.
"""

from __future__ import annotations

from typing import Any

from duvoform.api import routes
from duvoform.api.models import Connection
from duvoform.apply.context import StepContext, create_once
from duvoform.engine.steps import Op
from duvoform.errors import ApplyError, NotFoundError
from duvoform.kinds.home import Operation

__all__ = [
    "OPERATIONS",
    "connection_authorize",
    "connection_create",
    "connection_delete",
    "connection_update",
]

_DEFAULT_TYPE = "custom_mcp"


async def connection_create(ctx: StepContext) -> None:
    """``connection.create``: body (with secret markers), [shared] -> the id of the address."""
    raw = ctx.raw("body")
    if not isinstance(raw, dict) or "name" not in raw:
        raise ApplyError(f"{ctx.step.id}: connection.create needs a body with a name")
    name = str(raw["name"])
    kind = str(raw.get("type") or _DEFAULT_TYPE)

    async def find() -> Connection | None:
        same = [c for c in await ctx.client.list_connections(type=kind) if c.name == name]
        return same[-1] if same else None

    async def create() -> Connection:
        body: dict[str, Any] = {"provider": "user", **ctx.revealed("body")}
        return await ctx.client.create_connection(body)

    connection = await create_once(ctx, f"connection {name!r}", create, find)
    ctx.record(ctx.step.address, connection.id)
    integration = connection.custom_integration_id or connection.integration_id
    if integration:
        ctx.known[("integration", connection.id)] = integration
    shared = ctx.raw("shared", None)
    if shared is not None and bool(shared) != bool(connection.shared):
        await ctx.client.update_connection(connection.id, {"shared": bool(shared)})


async def connection_update(ctx: StepContext) -> None:
    """``connection.update``: connection: ref, body (with secret markers); one PATCH."""
    connection_id = ctx.id_of("connection")
    if connection_id is None:
        raise ApplyError(f"{ctx.step.id}: connection.update needs the connection")
    if not isinstance(ctx.raw("body"), dict):
        raise ApplyError(f"{ctx.step.id}: connection.update needs a body")
    body = ctx.revealed("body")
    if body:
        await ctx.client.update_connection(connection_id, body)


async def connection_delete(ctx: StepContext) -> None:
    """``connection.delete``: connection: ref. A connection already gone counts as deleted."""
    connection_id = ctx.id_of("connection")
    if connection_id is None:
        raise ApplyError(f"{ctx.step.id}: connection.delete needs the connection")
    try:
        await ctx.client.delete_connection(connection_id)
    except NotFoundError:
        ctx.note("the connection was already gone")


async def connection_authorize(ctx: StepContext) -> None:
    """``connection.authorize``: no request; reported as pending for a person to finish."""
    name = ctx.step.address.partition("/")[2] or ctx.step.address
    flow = ctx.raw("flow", None)
    how = f" ({flow} OAuth)" if flow else ""
    ctx.pending = f'needs a person to authorize it{how}: run duvoform connect "{name}"'


OPERATIONS = (
    Operation(
        Op.CONNECTION_CREATE,
        connection_create,
        # sharing is a PATCH after the create (the create body cannot set it)
        lambda p: (
            (routes.CREATE_CONNECTION,) + ((routes.UPDATE_CONNECTION,) if p.get("shared") else ())
        ),
    ),
    Operation(Op.CONNECTION_UPDATE, connection_update, lambda _: (routes.UPDATE_CONNECTION,)),
    Operation(Op.CONNECTION_DELETE, connection_delete, lambda _: (routes.DELETE_CONNECTION,)),
    Operation(Op.CONNECTION_AUTHORIZE, connection_authorize, lambda _: ()),
)
"""Connection operations."""
