"""Clean integration slots on the builds duvoform keeps, makes or promotes (DESIGN §5).

A new build copies the slots (and every user's pins) of the live build it replaces, and the
wiring only adds (``duvoform.kinds.assignment.wiring``). So, without more, a connection dropped
from ``spec.build.connections`` keeps its slot in every later build, and once the connection is
deleted that slot has no pin and fails when a job runs; a connection deleted by hand and
re-created has a new integration, so its builds end up with two slots of that name. Each slot
of the build the plan leaves live is therefore sorted by its integration (a custom MCP
connection's ``custom_integration_id``, else the catalog ``integration_id``):

- **listed**: a connection the manifest lists has that integration: kept (wired and pinned);
- **dropped**: only connections duvoform manages have it (declared in a manifest, or deleted by
  this plan: ``ensure: absent`` or ``--prune``), the manifest does not list them, and the slot
  is theirs for certain (a custom integration serves one connection; a catalog one, such as
  Gmail, counts only when the caller pinned it, since colleagues' connections of that
  integration are not visible): removed;
- **gone**: no visible connection has it, and the slot carries the name of a connection a
  manifest declares (the connection was deleted by hand): removed, and replaced by the slot of
  the re-created connection when the manifest lists it;
- **unmanaged**: anything else (a colleague's connection, one no manifest declares): kept, and
  named in the change's notes. One with no pin of the caller's fails when a job runs unless
  somebody else pinned theirs (the API shows only the caller's pins): a plan warning.

Removing a slot removes every user's pins on it, so only the first two sorts are removed. The
removal is a ``build.wire`` step with ``remove`` (integration ids) that runs right after the
step that makes the build (before any wiring that waits for an authorization): on the new
build, on the promoted build, or in place on the live build when it is kept.

The slots are known without a request when the build is the latest one (the assignment list
embeds them, with ``is_connected``), or when the plan read them (``LiveState.slots``);
otherwise (an older build made live again by hand, or promoted by this plan, of an assignment
whose manifest lists no connections) they are not sorted.

Deleting a connection also leaves the slots of its integration on the latest builds of
assignments no manifest declares with no pin of the caller's: the plan warns about those
before the apply (``warn_unmanaged_slots``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from duvoform.api.models import Agent, Build
from duvoform.api.models import Connection as LiveConnection
from duvoform.engine.context import Context
from duvoform.engine.prune import spare_previous_names
from duvoform.engine.steps import Op, build_key, ref
from duvoform.kinds import Assignment, Connection
from duvoform.kinds.assignment.promote import build_label
from duvoform.kinds.assignment.slots import SlotView, slots_from_configs
from duvoform.kinds.assignment.wiring import connection_address, integration_of
from duvoform.text import listed, quote

__all__ = ["SlotCleanup", "SlotFacts", "clean_slots", "warn_unmanaged_slots"]


_UNPINNED = (
    "a slot nobody pinned fails when a job runs (name a connection for it in "
    "spec.build.connections, or remove the slot in the web app if nobody uses it)"
)


class SlotFacts:
    """What the sorting needs about the team's connections, worked out once per plan."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @cached_property
    def managed_names(self) -> frozenset[str]:
        """The names (and previous names) of the connections the manifests declare."""
        names: set[str] = set()
        for connection in self.ctx.desired.of_kind(Connection.KIND):
            names.add(connection.name)
            names.update(connection.metadata.previous_names)
        return frozenset(names)

    @cached_property
    def doomed(self) -> dict[str, LiveConnection]:
        """Connection id -> the live connection this plan deletes."""
        out: dict[str, LiveConnection] = {}
        for connection in self.ctx.desired.of_kind(Connection.KIND):
            if connection.ensure == "absent":
                live = self._live(self.ctx.address(connection))
                if live is not None:
                    out[live.id] = live
        project = self.ctx.desired.manifests.project
        if self.ctx.options.prune and Connection.KIND in project.prune.kinds:
            unmanaged = self.ctx.matches.unmanaged_connections
            for live in spare_previous_names(
                self.ctx, Connection.KIND, unmanaged, lambda c: c.name, note=False
            ):
                out[live.id] = live
        return out

    @cached_property
    def managed_integrations(self) -> frozenset[str]:
        """Integrations of the live connections the manifests declare or this plan deletes."""
        found = {integration_of(c) for c in self.doomed.values()}
        for connection in self.ctx.desired.of_kind(Connection.KIND):
            live = self._live(self.ctx.address(connection))
            if live is not None:
                found.add(integration_of(live))
        return frozenset(i for i in found if i is not None)

    @cached_property
    def other_integrations(self) -> frozenset[str]:
        """Integrations of visible connections duvoform does not manage (and keeps)."""
        managed = self.managed_ids
        return frozenset(
            i
            for c in self.ctx.live.connections
            if c.id not in managed and (i := integration_of(c)) is not None
        )

    @cached_property
    def managed_ids(self) -> frozenset[str]:
        """Ids of the live connections the manifests declare or this plan deletes."""
        ids = set(self.doomed)
        for connection in self.ctx.desired.of_kind(Connection.KIND):
            live_id = self.ctx.live_id(self.ctx.address(connection))
            if live_id is not None:
                ids.add(live_id)
        return frozenset(ids)

    @cached_property
    def custom_integrations(self) -> frozenset[str]:
        """The custom integrations of visible connections: each serves one connection, where
        a catalog integration (Gmail) may serve colleagues' connections we cannot see."""
        return frozenset(
            c.custom_integration_id for c in self.ctx.live.connections if c.custom_integration_id
        )

    @cached_property
    def visible_integrations(self) -> frozenset[str]:
        """Integrations of every connection the caller can see."""
        return frozenset(
            i for c in self.ctx.live.connections if (i := integration_of(c)) is not None
        )

    def _live(self, address: str) -> LiveConnection | None:
        live_id = self.ctx.live_id(address)
        return self.ctx.live.connection(live_id) if live_id is not None else None

    def listed(self, names: Iterable[str]) -> frozenset[str]:
        """The integrations of the named connections that are live."""
        found = (self._live(connection_address(name)) for name in names)
        return frozenset(i for c in found if c is not None and (i := integration_of(c)))


@dataclass
class SlotCleanup:
    """The slots to remove from one build (integration ids), and what the plan says."""

    remove: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def params(self, address: str) -> dict[str, Any]:
        """The ``build.wire`` step that removes them."""
        return {
            "agent": ref(address),
            "build": ref(build_key(address)),
            "integrations": [],
            "pins": [],
            "remove": list(self.remove),
        }


def known_slots(ctx: Context, agent: Agent, build: Build) -> tuple[SlotView, ...] | None:
    """The build's slots, with whether the caller pinned each, if known without a request."""
    read = ctx.live.slots.get((agent.id, build.id))
    if read is not None:
        return tuple(
            SlotView(
                slot.id,
                slot.custom_integration_id or slot.integration_id,
                slot.integration_type,
                slot.integration_name,
                bool(ctx.live.pins.get((agent.id, build.id, slot.id), ())),
            )
            for slot in read
        )
    latest = agent.latest_build
    if (
        latest is not None
        and latest.id == build.id
        and "integration_configs" in agent.model_fields_set
    ):
        return slots_from_configs(agent.integration_configs)
    return None


def clean_slots(
    ctx: Context,
    facts: SlotFacts,
    assignment: Assignment,
    address: str,
    agent: Agent,
    op: Op | None,
    target: Build | None,
) -> SlotCleanup:
    """Sort the slots of the build this change leaves live (see the module docstring).

    ``op``: the build step of the change (a new build copies the live build's slots;
    ``target`` is the build a promote makes live). Warnings go to the plan at once; the
    notes belong to the change, if there is one.
    """
    live = ctx.live.live_build(agent.id)
    source = target if op is Op.BUILD_PROMOTE else live
    out = SlotCleanup()
    if source is None:
        return out
    slots = known_slots(ctx, agent, source)
    if not slots:
        return out
    if op is Op.BUILD_CREATE:
        where = "the new build"
    elif op is Op.BUILD_PROMOTE:
        where = f"build {build_label(source)}"
    else:
        where = "its live build"
    names = assignment.spec.build.connections
    listed = facts.listed(names)
    for slot in slots:
        label = quote(slot.name or slot.type or slot.integration or slot.slot_id)
        integration = slot.integration
        if integration is None or integration in listed:
            continue
        if (
            integration in facts.managed_integrations
            and integration not in facts.other_integrations
            and (slot.connected or integration in facts.custom_integrations)
        ):
            why = _dropped_reason(facts, integration)
            out.remove.append(integration)
            out.notes.append(f"removes the integration slot {label} from {where} ({why})")
        elif integration not in facts.visible_integrations and slot.name in facts.managed_names:
            out.remove.append(integration)
            verb = "replaces" if slot.name in names else "removes"
            out.notes.append(
                f"{verb} the integration slot {label} of {where}: its connection is gone "
                "(deleted outside duvoform)"
            )
        else:
            out.kept.append(label)
            if slot.connected is False:
                ctx.result.warnings.append(
                    f"{address}: the integration slot {label} of {where} has no connection of "
                    f"yours pinned; {_UNPINNED}"
                )
    if out.kept:
        one = len(out.kept) == 1
        out.notes.append(
            f"keeps the integration slot{'' if one else 's'} {', '.join(out.kept)} of "
            f"{where}: {'its connection is' if one else 'their connections are'} not "
            "managed by duvoform"
        )
    return out


def _dropped_reason(facts: SlotFacts, integration: str) -> str:
    for connection in facts.doomed.values():
        if integration_of(connection) == integration:
            return f"this plan deletes {connection_address(connection.name)}"
    return "the manifest does not list its connection"


def warn_unmanaged_slots(ctx: Context, facts: SlotFacts) -> None:
    """Warn of the slots a connection delete leaves with no pin of the caller's on the live
    latest builds of assignments no manifest declares (managed ones are cleaned)."""
    if not facts.doomed:
        return
    for connection in sorted(facts.doomed.values(), key=lambda c: c.name):
        integration = integration_of(connection)
        if integration is None or len(ctx.live.integration_connections(integration)) != 1:
            continue  # another connection of ours may be the one pinned
        hit = sorted(
            quote(agent.name)
            for agent in ctx.matches.unmanaged_agents
            if agent.latest_build is not None
            and agent.latest_build.is_live
            and any(
                c.integration_id == integration and c.is_connected
                for c in agent.integration_configs
            )
        )
        if hit:
            ctx.result.warnings.append(
                f"{connection_address(connection.name)}: deleting it leaves its integration "
                f"slot on the live builds of {listed(hit)} (not in any manifest) with no "
                f"connection of yours pinned; {_UNPINNED}"
            )
