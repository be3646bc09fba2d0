"""Agents (Assignments): list, create (with an inline first build), get, update; schedules.

There is no agent delete in v1: ``DELETE /v1/agents/{agent_id}`` answers 405 (the path exists,
the method does not), with an ``Allow`` header. The three delivery flags are ``null`` ("not
set") on a new agent, since the create body cannot set them. ``pinned`` in a PATCH pins or
unpins the agent for the calling user only. Lists are ordered by ``created_at``, then ``id``
(inferred; the docs name no order). ``include_schedules=true`` adds the caller's schedules to
each ``latest_build``; without it ``latest_build`` carries no ``schedules`` key. On create,
``source_build_id`` must name a build of the team (there is no case-queue setup to copy) and
``automation_id`` (a later addition) is accepted and ignored; neither is returned.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from duvoform.api.models.agents import AGENT_FLAGS
from duvoform.emulator.lookups import agent_of, build_of
from duvoform.emulator.routes_builds import check_config_refs, insert_build
from duvoform.emulator.schemas import CreateAgent, UpdateAgent
from duvoform.emulator.store import Row
from duvoform.emulator.views import agents_out, builds_out, schedules_out
from duvoform.emulator.web import ApiProblem, Ctx, bad_request, endpoint, json_response

__all__ = ["ROUTES"]


@endpoint
async def list_agents(ctx: Ctx) -> Response:
    """GET /v1/agents?limit&offset&include_schedules."""
    limit, offset = ctx.page(20)
    include = ctx.query("include_schedules")
    if include not in (None, "true", "false"):
        bad_request("include_schedules", "must be 'true' or 'false'")
    with ctx.store.read() as db:
        team = ctx.caller.team_id
        total = db.scalar("SELECT COUNT(*) FROM agents WHERE team_id = ?", (team,))
        rows = db.all(
            "SELECT * FROM agents WHERE team_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
            (team, limit, offset),
        )
        agents = agents_out(db, ctx.caller, rows, build_schedules=include == "true")
    return json_response({"agents": agents, "total": total, "limit": limit, "offset": offset})


@endpoint
async def create_agent(ctx: Ctx) -> Response:
    """POST /v1/agents: 201 {agent, build?}."""
    body = await ctx.body(CreateAgent)
    if body.null_fields("build"):
        bad_request("build", "must not be null")
    with ctx.store.tx() as db:
        if body.source_build_id is not None:
            try:
                build_of(db, ctx.caller, body.source_build_id)
            except ApiProblem:
                bad_request("source_build_id", f"build {body.source_build_id} not found")
        config = body.build.config.stored() if body.build else None
        if config is not None:
            check_config_refs(db, ctx.caller, config, "build.config")
        now = db.ids.now()
        row: Row = {
            "id": db.ids.new_id(),
            "team_id": ctx.caller.team_id,
            "name": body.name,
            "slack_enabled": None,
            "microsoft_teams_enabled": None,
            "agentic_memory_enabled": None,
            "thread_id": body.thread_id,
            "folder_id": None,
            "copilot_id": db.ids.new_id(),
            "created_at": now,
            "updated_at": now,
            "last_run_at": None,
            "created_by": ctx.caller.user_id,
            "updated_by": ctx.caller.user_id,
        }
        db.insert("agents", row)
        build_row = None
        if body.build is not None and config is not None:
            build_row = insert_build(
                db, ctx.caller, row, name=body.build.name, config=config, handover_target_ids=[]
            )
        ctx.wrote()
        out: dict[str, object] = {"agent": agents_out(db, ctx.caller, [row])[0]}
        if build_row is not None:
            out["build"] = builds_out(db, ctx.caller, [build_row])[0]
    return json_response(out, 201)


@endpoint
async def get_agent(ctx: Ctx) -> Response:
    """GET /v1/agents/{agent_id}."""
    with ctx.store.read() as db:
        row = agent_of(db, ctx.caller, ctx.path["agent_id"])
        agent = agents_out(db, ctx.caller, [row])[0]
    return json_response({"agent": agent})


@endpoint
async def update_agent(ctx: Ctx) -> Response:
    """PATCH /v1/agents/{agent_id}: name, flags, thread_id (null clears), pinned."""
    body = await ctx.body(UpdateAgent)
    if nulls := body.null_fields("name", "pinned", *AGENT_FLAGS):
        bad_request(nulls[0], "must not be null")
    with ctx.store.tx() as db:
        row = agent_of(db, ctx.caller, ctx.path["agent_id"])
        changes: Row = {}
        if body.name is not None and body.name != row["name"]:
            changes["name"] = body.name
        for flag in AGENT_FLAGS:
            value = getattr(body, flag)
            if value is not None and row[flag] != int(value):
                changes[flag] = int(value)
        if body.given("thread_id") and body.thread_id != row["thread_id"]:
            changes["thread_id"] = body.thread_id
        now = db.ids.now()
        if body.pinned is not None:
            pinned = db.scalar(
                "SELECT pinned_at FROM agent_pins WHERE agent_id = ? AND user_id = ?",
                (row["id"], ctx.caller.user_id),
            )
            if body.pinned and pinned is None:
                db.insert(
                    "agent_pins",
                    {"agent_id": row["id"], "user_id": ctx.caller.user_id, "pinned_at": now},
                )
                ctx.wrote()
            elif not body.pinned and pinned is not None:
                db.run(
                    "DELETE FROM agent_pins WHERE agent_id = ? AND user_id = ?",
                    (row["id"], ctx.caller.user_id),
                )
                ctx.wrote()
        if changes:
            changes.update(updated_at=now, updated_by=ctx.caller.user_id)
            db.update("agents", "id", row["id"], changes)
            ctx.wrote()
        fresh = agent_of(db, ctx.caller, row["id"])
        agent = agents_out(db, ctx.caller, [fresh])[0]
    return json_response({"agent": agent})


@endpoint
async def list_schedules(ctx: Ctx) -> Response:
    """GET /v1/agents/{agent_id}/schedules: the caller's own schedules of the agent."""
    with ctx.store.read() as db:
        agent = agent_of(db, ctx.caller, ctx.path["agent_id"])
        rows = db.all(
            "SELECT * FROM schedules WHERE agent_id = ? AND user_id = ? ORDER BY created_at, id",
            (agent["id"], ctx.caller.user_id),
        )
        schedules = schedules_out(db, rows)
    return json_response({"schedules": schedules})


ROUTES = [
    Route("/v1/agents", list_agents, methods=["GET"]),
    Route("/v1/agents", create_agent, methods=["POST"]),
    Route("/v1/agents/{agent_id}", get_agent, methods=["GET"]),
    Route("/v1/agents/{agent_id}", update_agent, methods=["PATCH"]),
    Route("/v1/agents/{agent_id}/schedules", list_schedules, methods=["GET"]),
]
