"""Integration slots of a build and the caller's pins (paths inferred from the v2 routes).

- Attach accepts catalog integration ids (``catalog.catalog_id(slug)``) and custom integration
  ids (a custom MCP connection's ``custom_integration_id``). An id already attached to the build
  is skipped (``count`` counts new slots); an unknown id is a 400 naming it.
- ``{integration_id}`` in a path is a slot id, a catalog id or a custom integration id.
- Pins are per user. A pinned connection must be visible to the caller and of the slot's kind
  (same catalog integration or type; same custom integration). Pinning the same connection
  twice is a 409. Removing a slot removes every user's pins on it; unpinning keeps the
  connection.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from duvoform.emulator.catalog import by_id
from duvoform.emulator.lookups import build_of, connection_of
from duvoform.emulator.schemas import AttachIntegrations, PinConnection
from duvoform.emulator.store import Row, Store
from duvoform.emulator.web import ApiProblem, Caller, Ctx, bad_request, endpoint, json_response

__all__ = ["ROUTES", "slot_for_integration"]


def slot_for_integration(store: Store, caller: Caller, integration_id: str) -> Row | None:
    """A slot row (without id, build and time) for a catalog or custom integration id."""
    entry = by_id(integration_id)
    if entry is not None:
        return {
            "integration_id": entry.id,
            "custom_integration_id": None,
            "integration_type": entry.slug,
            "integration_name": entry.name,
        }
    conn = store.one(
        "SELECT * FROM connections WHERE team_id = ? AND custom_integration_id = ? "
        "ORDER BY created_at LIMIT 1",
        (caller.team_id, integration_id),
    )
    if conn is None:
        return None
    return {
        "integration_id": None,
        "custom_integration_id": integration_id,
        "integration_type": conn["type"],
        "integration_name": conn["name"],
    }


def _slot_out(row: Row) -> dict[str, object]:
    return {
        "id": row["id"],
        "integration_id": row["integration_id"],
        "custom_integration_id": row["custom_integration_id"],
        "integration_type": row["integration_type"],
        "integration_name": row["integration_name"],
        "created_at": row["created_at"],
    }


def _build(ctx: Ctx, store: Store) -> Row:
    return build_of(store, ctx.caller, ctx.path["build_id"], ctx.path["agent_id"])


def _slot(ctx: Ctx, store: Store, build: Row) -> Row:
    ref = ctx.path["integration_id"]
    row = store.one(
        "SELECT * FROM slots WHERE build_id = ? AND (id = ? OR integration_id = ? "
        "OR custom_integration_id = ?) ORDER BY created_at LIMIT 1",
        (build["id"], ref, ref, ref),
    )
    if row is None:
        raise ApiProblem(404, "not_found", "integration slot not found")
    return row


@endpoint
async def list_slots(ctx: Ctx) -> Response:
    """GET .../revisions/{build_id}/integrations."""
    with ctx.store.read() as db:
        build = _build(ctx, db)
        rows = db.all(
            "SELECT * FROM slots WHERE build_id = ? ORDER BY created_at, id", (build["id"],)
        )
    return json_response({"integrations": [_slot_out(r) for r in rows]})


@endpoint
async def attach_slots(ctx: Ctx) -> Response:
    """POST .../revisions/{build_id}/integrations {integration_ids}: 201 {success, count}."""
    body = await ctx.body(AttachIntegrations)
    with ctx.store.tx() as db:
        build = _build(ctx, db)
        existing = {
            ref
            for row in db.all("SELECT * FROM slots WHERE build_id = ?", (build["id"],))
            for ref in (row["integration_id"], row["custom_integration_id"])
            if ref
        }
        count = 0
        for index, integration_id in enumerate(body.integration_ids):
            slot = slot_for_integration(db, ctx.caller, integration_id)
            if slot is None:
                bad_request(f"integration_ids[{index}]", f"integration {integration_id} not found")
            if integration_id in existing:
                continue
            existing.add(integration_id)
            db.insert(
                "slots",
                {
                    **slot,
                    "id": db.ids.new_id(),
                    "build_id": build["id"],
                    "created_at": db.ids.now(),
                },
            )
            count += 1
        if count:
            ctx.wrote()
    return json_response({"success": True, "count": count}, 201)


@endpoint
async def remove_slot(ctx: Ctx) -> Response:
    """DELETE .../integrations/{integration_id}: the slot and every user's pins on it."""
    with ctx.store.tx() as db:
        slot = _slot(ctx, db, _build(ctx, db))
        db.run("DELETE FROM slot_pins WHERE slot_id = ?", (slot["id"],))
        db.run("DELETE FROM slots WHERE id = ?", (slot["id"],))
        ctx.wrote()
    return json_response({"success": True})


@endpoint
async def list_pins(ctx: Ctx) -> Response:
    """GET .../integrations/{integration_id}/connections: the caller's pins."""
    with ctx.store.read() as db:
        slot = _slot(ctx, db, _build(ctx, db))
        rows = db.all(
            "SELECT connection_id, created_at FROM slot_pins WHERE slot_id = ? AND user_id = ? "
            "ORDER BY created_at, connection_id",
            (slot["id"], ctx.caller.user_id),
        )
    return json_response({"connections": rows})


def _fits(slot: Row, conn: Row) -> bool:
    if slot["custom_integration_id"]:
        return bool(conn["custom_integration_id"] == slot["custom_integration_id"])
    return bool(
        conn["integration_id"] == slot["integration_id"] or conn["type"] == slot["integration_type"]
    )


@endpoint
async def pin(ctx: Ctx) -> Response:
    """POST .../integrations/{integration_id}/connections {connection_id}: 201 {success}."""
    body = await ctx.body(PinConnection)
    with ctx.store.tx() as db:
        slot = _slot(ctx, db, _build(ctx, db))
        try:
            conn = connection_of(db, ctx.caller, body.connection_id)
        except ApiProblem:
            bad_request("connection_id", f"connection {body.connection_id} not found")
        if not _fits(slot, conn):
            bad_request(
                "connection_id",
                f"a {conn['type']} connection cannot serve a {slot['integration_type']} slot",
            )
        key = (slot["id"], ctx.caller.user_id, conn["id"])
        if db.one(
            "SELECT 1 FROM slot_pins WHERE slot_id = ? AND user_id = ? AND connection_id = ?", key
        ):
            raise ApiProblem(409, "conflict", "the connection is already pinned to this slot")
        db.insert(
            "slot_pins",
            {
                "slot_id": key[0],
                "user_id": key[1],
                "connection_id": key[2],
                "created_at": db.ids.now(),
            },
        )
        ctx.wrote()
    return json_response({"success": True}, 201)


@endpoint
async def unpin(ctx: Ctx) -> Response:
    """DELETE .../integrations/{integration_id}/connections/{connection_id}."""
    with ctx.store.tx() as db:
        slot = _slot(ctx, db, _build(ctx, db))
        removed = db.run(
            "DELETE FROM slot_pins WHERE slot_id = ? AND user_id = ? AND connection_id = ?",
            (slot["id"], ctx.caller.user_id, ctx.path["connection_id"]),
        )
        if not removed:
            raise ApiProblem(404, "not_found", "pin not found")
        ctx.wrote()
    return json_response({"success": True})


_BASE = "/v1/agents/{agent_id}/revisions/{build_id}/integrations"
ROUTES = [
    Route(_BASE, list_slots, methods=["GET"]),
    Route(_BASE, attach_slots, methods=["POST"]),
    Route(_BASE + "/{integration_id}", remove_slot, methods=["DELETE"]),
    Route(_BASE + "/{integration_id}/connections", list_pins, methods=["GET"]),
    Route(_BASE + "/{integration_id}/connections", pin, methods=["POST"]),
    Route(_BASE + "/{integration_id}/connections/{connection_id}", unpin, methods=["DELETE"]),
]
