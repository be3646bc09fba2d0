"""Builds (``revision`` in paths): list, create, get (both paths), update, promote.

Liveness (inferred; the docs leave it open, see REFERENCE §14 q1-2): the inline first build is
live; every build made with ``POST .../revisions`` becomes the newest *and* the live one (a job
uses the latest build), and the build that was live becomes ``"historic"``. Promote makes an
older build live again (``latest_build`` is then newer than the live build); promoting the live
build is a 409. ``revision_number`` counts from 1 per agent. Handover targets are stored but
never returned. Builds cannot be deleted. A new build copies the integration slots (and their
pins) of ``source_build_id`` when given, and starts without slots otherwise. ``config`` omitted
on create copies the live build's config; ``config`` on update replaces the whole config and
must be a v2 config.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from duvoform.emulator.lookups import agent_of, build_of, check_agent_refs
from duvoform.emulator.schemas import BuildConfigV2, CreateBuild, PromoteBuild, UpdateBuild
from duvoform.emulator.store import Row, Store
from duvoform.emulator.views import builds_out
from duvoform.emulator.web import ApiProblem, Caller, Ctx, endpoint, json_response, parse_body

__all__ = ["DEFAULT_CONFIG", "ROUTES", "insert_build"]

DEFAULT_CONFIG: dict[str, Any] = {
    "version": "v2",
    "data": {
        "models": {
            "agent": {"model": "claude-sonnet-4-6"},
            "browsing": {"provider": "anthropic", "model": "claude-sonnet-4-5"},
        },
        "input": "",
        "files": [],
        "skills": [],
        "plugins": [],
        "subAgents": [],
    },
}


def check_config_refs(store: Store, caller: Caller, config: dict[str, Any], field: str) -> None:
    """Sub-agents must be agents of the caller's team."""
    sub_agents = config.get("data", {}).get("subAgents") or []
    check_agent_refs(store, caller, sub_agents, f"{field}.data.subAgents")


def insert_build(
    store: Store,
    caller: Caller,
    agent: Row,
    *,
    name: str,
    config: dict[str, Any],
    handover_target_ids: list[str],
    source_build_id: str | None = None,
) -> Row:
    """Add a build that becomes the newest and the live one; returns its row."""
    agent_id = agent["id"]
    number = store.scalar(
        "SELECT COALESCE(MAX(revision_number), 0) FROM builds WHERE agent_id = ?", (agent_id,)
    )
    live = store.scalar(
        "SELECT id FROM builds WHERE agent_id = ? AND status = 'live' "
        "ORDER BY revision_number DESC LIMIT 1",
        (agent_id,),
    )
    store.run(
        "UPDATE builds SET status = 'historic' WHERE agent_id = ? AND status = 'live'",
        (agent_id,),
    )
    now = store.ids.now()
    row: Row = {
        "id": store.ids.new_id(),
        "agent_id": agent_id,
        "name": name,
        "revision_name": None,
        "revision_description": None,
        "config": json.dumps(config),
        "status": "live",
        "revision_number": int(number) + 1,
        "parent_build_id": source_build_id or live,
        "created_by": caller.user_id,
        "created_by_name": caller.user_name,
        "created_at": now,
        "updated_at": now,
        "handover_target_ids": json.dumps(handover_target_ids),
    }
    store.insert("builds", row)
    if source_build_id is not None:
        _copy_slots(store, source_build_id, row["id"])
    return row


def _copy_slots(store: Store, source_build_id: str, build_id: str) -> None:
    for slot in store.all(
        "SELECT * FROM slots WHERE build_id = ? ORDER BY created_at, id", (source_build_id,)
    ):
        new_id = store.ids.new_id()
        store.insert(
            "slots", {**slot, "id": new_id, "build_id": build_id, "created_at": store.ids.now()}
        )
        store.run(
            "INSERT INTO slot_pins (slot_id, user_id, connection_id, created_at) "
            "SELECT ?, user_id, connection_id, created_at FROM slot_pins WHERE slot_id = ?",
            (new_id, slot["id"]),
        )


def _config_for_new_build(store: Store, agent_id: str) -> dict[str, Any]:
    row = store.one(
        "SELECT config FROM builds WHERE agent_id = ? "
        "ORDER BY status = 'live' DESC, revision_number DESC LIMIT 1",
        (agent_id,),
    )
    return DEFAULT_CONFIG if row is None else dict(json.loads(row["config"]))


@endpoint
async def list_builds(ctx: Ctx) -> Response:
    """GET /v1/agents/{agent_id}/revisions: oldest first (created_at, then id)."""
    limit, offset = ctx.page(20)
    agent = agent_of(ctx.store, ctx.caller, ctx.path["agent_id"])
    with ctx.store.read() as db:
        total = db.scalar("SELECT COUNT(*) FROM builds WHERE agent_id = ?", (agent["id"],))
        rows = db.all(
            "SELECT * FROM builds WHERE agent_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
            (agent["id"], limit, offset),
        )
        builds = builds_out(db, ctx.caller, rows)
    return json_response({"builds": builds, "total": total, "limit": limit, "offset": offset})


@endpoint
async def create_build(ctx: Ctx) -> Response:
    """POST /v1/agents/{agent_id}/revisions: 201 {build, agent: {id}}."""
    agent = agent_of(ctx.store, ctx.caller, ctx.path["agent_id"])
    body = await ctx.body(CreateBuild)
    if nulls := body.null_fields("name", "handover_target_ids", "source_build_id"):
        raise ApiProblem(400, "validation_error", f"{nulls[0]}: must not be null")
    with ctx.store.tx() as db:
        config = body.config.stored() if body.config else _config_for_new_build(db, agent["id"])
        check_config_refs(db, ctx.caller, config, "config")
        handover = body.handover_target_ids or []
        check_agent_refs(db, ctx.caller, handover, "handover_target_ids")
        if body.source_build_id is not None:
            _source_build(db, ctx.caller, body.source_build_id)
        row = insert_build(
            db,
            ctx.caller,
            agent,
            name=body.name,
            config=config,
            handover_target_ids=list(dict.fromkeys(handover)),
            source_build_id=body.source_build_id,
        )
        db.update("agents", "id", agent["id"], {"updated_at": row["created_at"]})
        ctx.wrote()
        build = builds_out(db, ctx.caller, [row])[0]
    return json_response({"build": build, "agent": {"id": agent["id"]}}, 201)


def _source_build(store: Store, caller: Caller, build_id: str) -> Row:
    try:
        return build_of(store, caller, build_id)
    except ApiProblem:
        raise ApiProblem(
            400, "validation_error", f"source_build_id: build {build_id} not found"
        ) from None


@endpoint
async def get_build(ctx: Ctx) -> Response:
    """GET /v1/agents/{agent_id}/revisions/{build_id} and GET /v1/revisions/{build_id}."""
    with ctx.store.read() as db:
        row = build_of(db, ctx.caller, ctx.path["build_id"], ctx.path.get("agent_id"))
        build = builds_out(db, ctx.caller, [row])[0]
    return json_response({"build": build})


@endpoint
async def update_build(ctx: Ctx) -> Response:
    """PATCH /v1/revisions/{build_id}: config (whole), handoverTargetIds, labels."""
    body = await ctx.body(UpdateBuild)
    if nulls := body.null_fields("config", "handoverTargetIds"):
        raise ApiProblem(400, "validation_error", f"{nulls[0]}: must not be null")
    config = (
        parse_body(BuildConfigV2, body.config, "config").stored()
        if body.config is not None
        else None
    )
    with ctx.store.tx() as db:
        row = build_of(db, ctx.caller, ctx.path["build_id"])
        changes: Row = {}
        if config is not None:
            check_config_refs(db, ctx.caller, config, "config")
            changes["config"] = json.dumps(config)
        if body.handoverTargetIds is not None:
            check_agent_refs(db, ctx.caller, body.handoverTargetIds, "handoverTargetIds")
            changes["handover_target_ids"] = json.dumps(list(dict.fromkeys(body.handoverTargetIds)))
        for label in ("revision_name", "revision_description"):
            if body.given(label):
                changes[label] = getattr(body, label)
        if changes:
            changes["updated_at"] = db.ids.now()
            db.update("builds", "id", row["id"], changes)
            ctx.wrote()
        fresh = db.one("SELECT * FROM builds WHERE id = ?", (row["id"],))
        assert fresh is not None
        build = builds_out(db, ctx.caller, [fresh])[0]
    return json_response({"build": build})


@endpoint
async def promote_build(ctx: Ctx) -> Response:
    """POST /v1/revisions/{build_id}/promote: 200 {success: true}; 409 when already live."""
    body = await ctx.body(PromoteBuild, empty_ok=True)
    if body.null_fields("revision_name"):
        raise ApiProblem(400, "validation_error", "revision_name: must not be null")
    with ctx.store.tx() as db:
        row = build_of(db, ctx.caller, ctx.path["build_id"])
        if row["status"] == "live":
            raise ApiProblem(409, "conflict", "the build is already live")
        db.run(
            "UPDATE builds SET status = 'historic' WHERE agent_id = ? AND status = 'live'",
            (row["agent_id"],),
        )
        changes: Row = {"status": "live", "updated_at": db.ids.now()}
        for label in ("revision_name", "revision_description"):
            if body.given(label):
                changes[label] = getattr(body, label)
        db.update("builds", "id", row["id"], changes)
        ctx.wrote()
    return json_response({"success": True})


ROUTES = [
    Route("/v1/agents/{agent_id}/revisions", list_builds, methods=["GET"]),
    Route("/v1/agents/{agent_id}/revisions", create_build, methods=["POST"]),
    Route("/v1/agents/{agent_id}/revisions/{build_id}", get_build, methods=["GET"]),
    Route("/v1/revisions/{build_id}", get_build, methods=["GET"]),
    Route("/v1/revisions/{build_id}", update_build, methods=["PATCH"]),
    Route("/v1/revisions/{build_id}/promote", promote_build, methods=["POST"]),
]
