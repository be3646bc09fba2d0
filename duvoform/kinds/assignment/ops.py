"""Handlers for assignments: ``agent.create`` and ``agent.update``.

``agent.create`` makes the assignment and its first build in one request, records the new ids
(the assignment under the step's address, its build under ``build_key(address)``) and then
PATCHes the flags the create body cannot set. Optional parameters beyond the contract's (the
planner may leave them out): ``build.revision_name`` / ``build.revision_description`` and
``handover_targets: [ref]``, which a PATCH of the new build sets (handover targets cannot be
sent inline, and labels are not part of the create body).

A lost create is looked for among the assignments of the same name whose first build carries
the same build name (which holds the build digest): that is the one the lost request made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from duvoform.api import routes
from duvoform.api.models import Agent, Build, CreateAgentResult
from duvoform.api.routes import Route
from duvoform.apply.context import StepContext, create_once
from duvoform.engine.steps import Op, build_key
from duvoform.errors import ApplyError
from duvoform.kinds.home import Operation

__all__ = ["OPERATIONS", "agent_create", "agent_update", "label_fields"]

_LABELS = ("revision_name", "revision_description")


def label_fields(source: dict[str, Any]) -> dict[str, Any]:
    """The build labels ``source`` sets (an explicit ``None`` clears one)."""
    return {key: source[key] for key in _LABELS if key in source}


async def agent_create(ctx: StepContext) -> None:
    """``agent.create``: name, build: {name, config}, [flags] -> id, ``<address>@build``."""
    name = str(ctx.raw("name"))
    build = ctx.raw("build")
    if not isinstance(build, dict) or "name" not in build or "config" not in build:
        raise ApplyError(f"{ctx.step.id}: agent.create needs build: {{name, config}}")
    build_name = str(build["name"])
    body = {"name": name, "build": {"name": build_name, "config": ctx.resolve(build["config"])}}

    async def find() -> CreateAgentResult | None:
        agents: list[Agent] = [
            agent
            for agent in await ctx.client.list_agents()
            if agent.name == name and _first_build_named(agent, build_name)
        ]
        if not agents:
            return None
        agent = agents[-1]
        return CreateAgentResult(agent=agent, build=agent.latest_build)

    result = await create_once(
        ctx, f"assignment {name!r}", lambda: ctx.client.create_agent(body), find
    )
    agent_id = result.agent.id
    ctx.record(ctx.step.address, agent_id)
    first = result.build or await _first_build(ctx, agent_id, build_name)
    ctx.record(build_key(ctx.step.address), first.id)
    ctx.known[("slots", first.id)] = set()  # a first build starts without slots

    flags = ctx.value("flags", None) or {}
    if flags:
        await ctx.client.update_agent(agent_id, dict(flags))
    patch = label_fields(build)
    if ctx.has("handover_targets"):
        targets = ctx.value("handover_targets") or []
        if targets:
            patch["handover_target_ids"] = list(targets)
    if patch:
        await ctx.client.update_build(first.id, patch)


def _first_build_named(agent: Agent, build_name: str) -> bool:
    latest = agent.latest_build
    return latest is not None and latest.name == build_name


async def _first_build(ctx: StepContext, agent_id: str, build_name: str) -> Build:
    # The create answer should carry the build; when it did not, find it by its name.
    for build in reversed(await ctx.client.list_builds(agent_id)):
        if build.name == build_name:
            return build
    raise ApplyError(
        f"{ctx.step.address}: the assignment was created but its first build "
        f"{build_name!r} cannot be found"
    )


async def agent_update(ctx: StepContext) -> None:
    """``agent.update``: agent: ref, fields: {name?, slack_enabled?, ...} (one PATCH)."""
    agent_id = ctx.id_of("agent")
    if agent_id is None:
        raise ApplyError(f"{ctx.step.id}: agent.update needs the assignment to change")
    fields = ctx.value("fields")
    if not isinstance(fields, dict):
        raise ApplyError(f"{ctx.step.id}: agent.update needs fields: {{...}}")
    if fields:
        await ctx.client.update_agent(agent_id, fields)


def _create_requests(params: Mapping[str, Any]) -> tuple[Route, ...]:
    build = params.get("build")
    relabel = isinstance(build, dict) and bool(label_fields(build))
    return (
        (routes.CREATE_AGENT,)
        + ((routes.UPDATE_AGENT,) if params.get("flags") else ())
        + ((routes.UPDATE_BUILD,) if relabel or params.get("handover_targets") else ())
    )


OPERATIONS = (
    Operation(Op.AGENT_CREATE, agent_create, _create_requests),
    Operation(
        Op.AGENT_UPDATE, agent_update, lambda p: (routes.UPDATE_AGENT,) if p.get("fields") else ()
    ),
)
"""Assignment operations (their builds' are in ``build_ops``)."""
