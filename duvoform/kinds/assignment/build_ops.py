"""Handlers for builds: ``build.create``, ``build.update``, ``build.promote`` and ``build.wire``.

``build.create`` POSTs the new build (with its handover targets), then makes it live: a build
the API already made live needs no promote; otherwise it is promoted, and a 409 from a build
that turns out to be live is success. Labels (``revision_name``, ``revision_description``) go
with the promote, or in a PATCH when no promote is needed. A lost create is looked for among
the assignment's builds with the same name (which carries the build digest) and the same
sub-agents.

``build.promote`` makes an existing build live again (a revert: its digest is the desired
build's); a 409 from a build that turns out to be live is success.

``build.wire`` gives a build its integration slots and the caller's pins. It adds what is
missing, and removes only the slots the plan names in ``remove`` (slots of managed connections
the build no longer lists, or whose connection is gone): removing a slot removes every user's
pins on it, so nothing else is touched. An
integration is a catalog or custom integration id, or a reference to a Connection, which stands
for that connection's integration (its ``custom_integration_id``, else its ``integration_id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from duvoform.api import routes
from duvoform.api.models import Build, BuildConfigV2, Connection
from duvoform.api.routes import Route
from duvoform.apply.context import StepContext, create_once
from duvoform.engine.steps import Op, build_key
from duvoform.errors import ApplyError, ConflictError, NotFoundError
from duvoform.kinds.assignment.ops import label_fields
from duvoform.kinds.home import Operation

__all__ = ["OPERATIONS", "build_create", "build_promote", "build_update", "build_wire"]


async def build_create(ctx: StepContext) -> None:
    """``build.create``: agent: ref, name, config, handover_targets: [ref], [labels],
    [source_build] -> ``<address>@build``, promoted when the new build is not live."""
    agent_id = ctx.id_of("agent")
    if agent_id is None:
        raise ApplyError(f"{ctx.step.id}: build.create needs the assignment")
    name = str(ctx.raw("name"))
    config = ctx.value("config")
    body: dict[str, Any] = {"name": name, "config": config}
    targets = ctx.value("handover_targets", None)
    if targets is not None:
        body["handover_target_ids"] = list(targets)
    source = ctx.id_of("source_build") if ctx.has("source_build") else None
    if source is not None:
        body["source_build_id"] = source  # the new build keeps that build's slots and pins
    wanted_subs = _sub_agents(config)

    async def find() -> Build | None:
        same = [
            build
            for build in await ctx.client.list_builds(agent_id)
            if build.name == name and _sub_agents(build.config) == wanted_subs
        ]
        return same[-1] if same else None

    build = await create_once(
        ctx, f"build {name!r}", lambda: ctx.client.create_build(agent_id, body), find
    )
    ctx.record(build_key(ctx.step.address), build.id)
    if source is None:
        ctx.known[("slots", build.id)] = set()  # made without a source: no slots
    labels = label_fields(dict(ctx.step.params))
    if build.is_live:
        if labels:
            await ctx.client.update_build(build.id, labels)
        return
    try:
        await ctx.client.promote_build(build.id, labels or None)
    except ConflictError:
        again = await ctx.client.get_agent_build(agent_id, build.id)
        if not again.is_live:
            raise
        ctx.note("the new build was already live")
        if labels:
            await ctx.client.update_build(build.id, labels)


def _sub_agents(config: Any) -> frozenset[str]:
    if isinstance(config, BuildConfigV2):
        return frozenset(config.data.sub_agents)
    if isinstance(config, dict):
        data = config.get("data") or {}
        return frozenset(data.get("subAgents") or ())
    return frozenset()


async def build_update(ctx: StepContext) -> None:
    """``build.update``: build: ref|id, [revision_name], [revision_description] (a PATCH)."""
    build_id = ctx.id_of("build")
    if build_id is None:
        raise ApplyError(f"{ctx.step.id}: build.update needs the build to change")
    labels = label_fields(dict(ctx.step.params))
    if labels:
        await ctx.client.update_build(build_id, labels)


async def build_promote(ctx: StepContext) -> None:
    """``build.promote``: agent: ref, build: id, [labels] -> ``<address>@build``."""
    agent_id = ctx.id_of("agent")
    build_id = ctx.id_of("build")
    if agent_id is None or build_id is None:
        raise ApplyError(f"{ctx.step.id}: build.promote needs the assignment and the build")
    labels = label_fields(dict(ctx.step.params))
    try:
        result = await ctx.client.promote_build(build_id, labels or None)
        already = result.already_live
    except ConflictError:
        again = await ctx.client.get_agent_build(agent_id, build_id)
        if not again.is_live:
            raise
        already = True
    if already:
        ctx.note("the build was already live")
        if labels:
            await ctx.client.update_build(build_id, labels)
    ctx.record(build_key(ctx.step.address), build_id)


async def build_wire(ctx: StepContext) -> None:
    """``build.wire``: agent: ref, build: ref, integrations: [str|ref],
    pins: [{integration, connection: ref}], [remove: [integration id]] (remove the named
    slots, attach missing slots, add missing pins)."""
    agent_id = ctx.id_of("agent")
    build_id = ctx.id_of("build")
    if agent_id is None or build_id is None:
        raise ApplyError(f"{ctx.step.id}: build.wire needs the assignment and the build")
    remove = ctx.raw("remove", [])
    if not isinstance(remove, list):
        raise ApplyError(f"{ctx.step.id}: build.wire remove must be a list")
    if remove:
        await _remove(ctx, agent_id, build_id, {str(ident) for ident in remove})
        ctx.known.pop(("slots", build_id), None)  # what this run knew of its slots is stale
    looked_up = ctx.known  # ("integration", connection id): one GET per connection per run
    integrations = await _integrations(ctx, ctx.raw("integrations", []), looked_up)
    pins = ctx.raw("pins", [])
    if not isinstance(pins, list):
        raise ApplyError(f"{ctx.step.id}: build.wire pins must be a list")
    pin_pairs: list[tuple[str, str]] = []
    for pin in pins:
        if not isinstance(pin, dict) or "integration" not in pin or "connection" not in pin:
            raise ApplyError(f"{ctx.step.id}: each pin needs an integration and a connection")
        (integration,) = await _integrations(ctx, [pin["integration"]], looked_up)
        connection = ctx.resolve(pin["connection"])
        pin_pairs.append((integration, str(connection)))
    wanted = list(dict.fromkeys([*integrations, *(i for i, _ in pin_pairs)]))
    fresh: set[str] = set()
    if wanted:
        fresh = await _attach(ctx, agent_id, build_id, wanted)
    for integration, connection in pin_pairs:
        await _pin(ctx, agent_id, build_id, integration, connection, fresh=integration in fresh)


async def _integrations(
    ctx: StepContext, entries: Any, looked_up: dict[tuple[str, str], Any]
) -> list[str]:
    if not isinstance(entries, list):
        raise ApplyError(f"{ctx.step.id}: build.wire integrations must be a list")
    result: list[str] = []
    for entry in entries:
        address = ctx.address_of(entry)
        ident = ctx.resolve(entry)
        if not isinstance(ident, str):
            raise ApplyError(f"{ctx.step.id}: an integration must be an id or a reference")
        if address is not None and address.startswith("Connection/"):
            key = ("integration", ident)
            if key not in looked_up:
                connection = await ctx.client.get_connection(ident)
                looked_up[key] = _integration_of(address, connection)
            ident = str(looked_up[key])
        result.append(ident)
    return result


def _integration_of(address: str, connection: Connection) -> str:
    ident = connection.custom_integration_id or connection.integration_id
    if not ident:
        raise ApplyError(
            f"{address} has no integration id (neither custom_integration_id nor "
            "integration_id), so it cannot be attached to a build"
        )
    return ident


def _slot_refs(slots: Any) -> set[str]:
    refs: set[str] = set()
    for slot in slots:
        refs.update(ref for ref in (slot.integration_id, slot.custom_integration_id) if ref)
    return refs


async def _remove(ctx: StepContext, agent_id: str, build_id: str, unwanted: set[str]) -> None:
    """Remove every slot of the build whose integration is in ``unwanted`` (by slot id, so
    that two slots of one integration both go)."""
    for slot in await ctx.client.list_slots(agent_id, build_id):
        if unwanted & {slot.integration_id, slot.custom_integration_id}:
            try:
                await ctx.client.remove_slot(agent_id, build_id, slot.id)
            except NotFoundError:
                continue  # gone already: what was wanted


async def _attach(ctx: StepContext, agent_id: str, build_id: str, wanted: list[str]) -> set[str]:
    """Attach the slots ``wanted`` that the build lacks; returns those attached now (which
    hold no pin yet). The slots of a build this run made are known, not listed."""
    known = ctx.known.get(("slots", build_id))
    attached = (
        known if known is not None else _slot_refs(await ctx.client.list_slots(agent_id, build_id))
    )
    missing = [ident for ident in wanted if ident not in attached]
    if not missing:
        return set()

    async def find() -> bool | None:
        now = _slot_refs(await ctx.client.list_slots(agent_id, build_id))
        left = [ident for ident in missing if ident not in now]
        if not left:
            return True
        missing[:] = left  # attach only what is still missing on the next attempt
        return None

    async def attach() -> bool:
        await ctx.client.attach_slots(agent_id, build_id, list(missing))
        return True

    await create_once(ctx, f"{len(missing)} integration slot(s)", attach, find)
    if known is not None:
        known.update(missing)
    return set(missing)


async def _pin(
    ctx: StepContext,
    agent_id: str,
    build_id: str,
    integration: str,
    connection: str,
    *,
    fresh: bool,
) -> None:
    # ``fresh``: the slot was attached by this step, so it holds no pin to look for first.
    async def pinned() -> bool | None:
        pins = await ctx.client.list_pins(agent_id, build_id, integration)
        return True if any(p.connection_id == connection for p in pins) else None

    if not fresh and await pinned():
        return

    async def pin() -> bool:
        try:
            await ctx.client.pin(agent_id, build_id, integration, connection)
        except ConflictError:
            if not await pinned():
                raise
        return True

    await create_once(ctx, "a connection pin", pin, pinned)


def _wire_requests(params: Mapping[str, Any]) -> tuple[Route, ...]:
    slots = bool(params.get("integrations")) or bool(params.get("pins"))
    return (
        ((routes.REMOVE_SLOT,) if params.get("remove") else ())
        + ((routes.ATTACH_SLOTS,) if slots else ())
        + ((routes.PIN,) if params.get("pins") else ())
    )


OPERATIONS = (
    # a new build is promoted (its labels with it); when the API made it live already, there
    # is nothing to promote and its labels are a PATCH
    Operation(
        Op.BUILD_CREATE,
        build_create,
        lambda p: (
            (routes.CREATE_BUILD, routes.PROMOTE_BUILD)
            + ((routes.UPDATE_BUILD,) if label_fields(dict(p)) else ())
        ),
    ),
    Operation(
        Op.BUILD_UPDATE,
        build_update,
        lambda p: (routes.UPDATE_BUILD,) if label_fields(dict(p)) else (),
    ),
    # promoting a build that exists: its labels go with the promote
    Operation(Op.BUILD_PROMOTE, build_promote, lambda _: (routes.PROMOTE_BUILD,)),
    Operation(Op.BUILD_WIRE, build_wire, _wire_requests),
)
"""Build operations: create (and promote), relabel, promote one that exists, wire slots and
pins."""
