"""Assignments: create (with the first build), rename, flags, folder moves, and builds.

**Create** is one ``agent.create``: the assignment and its first build in one request (the
flags that are true are PATCHed right after, inside the same step), then ``agents.move`` into
its folder (assignments are created at the root), then a ``build.update`` for the build's
labels (the inline build cannot carry them). Two cases need a second build instead
("create bare, then build"): the first build cannot carry handover targets (the create body
has no field for them), and a cycle of ``sub_agents`` among new assignments cannot be created
in one order. Then the first build is *bare*: named ``duvoform:bootstrap``, without the
sub-agents that do not exist yet, and a ``build.create`` with the full build (and its digest)
follows once everything it refers to exists. An apply interrupted in between leaves the
bootstrap build live, which the next plan replaces.

In a cycle, the assignment created bare is chosen deterministically: within each strongly
connected group of new assignments, the one with the smallest address, until no cycle is left.

**Update**: ``agent.update`` for the name (a rename through ``previous_names``; forbidden when
``protected``, by ``duvoform.engine.safety``) and the flags (``null`` and absent count as false),
``agents.move`` when the folder differs (into a folder, or to the root), and the build
(``duvoform.kinds.assignment.build``).

**Wiring**: a build that names connections gets a ``build.wire`` step after the step that makes
it (create, or a new build), or, when the build is kept, when its live slots and pins lack one
of them (``duvoform.kinds.assignment.wiring``). Before that, slots the build should not keep
(of managed connections it no longer lists, or whose connection is gone) are removed by a
``build.wire`` step with ``remove`` (``duvoform.kinds.assignment.cleanup``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from duvoform.api.models import Agent
from duvoform.engine.context import Context, StepList
from duvoform.engine.plan import Action, Change, FieldChange
from duvoform.engine.steps import Op, build_key, ref
from duvoform.kinds import Assignment
from duvoform.kinds.assignment.build import (
    assignment_address,
    build_config,
    diff_build,
    new_build_params,
)
from duvoform.kinds.assignment.cleanup import (
    SlotFacts,
    clean_slots,
    warn_unmanaged_slots,
)
from duvoform.kinds.assignment.digest import BOOTSTRAP_NAME, build_digest, build_name
from duvoform.kinds.assignment.digest import desired_readable as readable_of
from duvoform.kinds.assignment.dropped import explain_connections
from duvoform.kinds.assignment.duplicates import check_duplicates
from duvoform.kinds.assignment.promote import newest_not_live
from duvoform.kinds.assignment.tables import FLAGS
from duvoform.kinds.assignment.wiring import new_build_wiring, wiring_drift
from duvoform.text import listed, quote

__all__ = ["bare_assignments", "diff_assignments"]


def diff_assignments(ctx: Context) -> None:
    """Creates and updates for every declared assignment."""
    assignments = [a for a in ctx.desired.of_kind(Assignment.KIND) if isinstance(a, Assignment)]
    new = {ctx.address(a): a for a in assignments if ctx.live_id(ctx.address(a)) is None}
    bare = bare_assignments({address: _new_sub_agents(a, new) for address, a in new.items()})
    new_addresses = set(new)
    facts = SlotFacts(ctx)
    for assignment in assignments:
        address = ctx.address(assignment)
        live_id = ctx.live_id(address)
        ctx.read(Assignment.KIND, live_id)
        if live_id is None:
            _create(ctx, assignment, address, address in bare, new_addresses)
            continue
        agent = ctx.live.agent(live_id)
        assert agent is not None  # matched ids come from the assignment list
        if not _update(ctx, assignment, address, agent, facts):
            ctx.result.unchanged += 1
    check_duplicates(ctx)
    _unmanaged_note(ctx)
    warn_unmanaged_slots(ctx, facts)


def _new_sub_agents(assignment: Assignment, new: dict[str, Assignment]) -> set[str]:
    return {
        assignment_address(name)
        for name in assignment.spec.build.sub_agents
        if assignment_address(name) in new
    }


def bare_assignments(edges: dict[str, set[str]]) -> set[str]:
    """The new assignments to create bare so that no ``sub_agents`` cycle is left.

    ``edges``: address -> the addresses of the new assignments it names as sub-agents.
    """
    graph = {node: set(targets) for node, targets in edges.items()}
    bare: set[str] = set()
    while True:
        cyclic = [group for group in _strongly_connected(graph) if len(group) > 1]
        if not cyclic:
            return bare
        for group in cyclic:
            chosen = min(group)
            bare.add(chosen)
            graph[chosen] = set()


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative, over nodes in sorted order (deterministic)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    group.append(item)
                    if item == node:
                        break
                groups.append(sorted(group))
    return groups


def _depends_on(ctx: Context, assignment: Assignment) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(ctx.address(target) for target in ctx.desired.dependencies_of(assignment))
    )


def _folder(ctx: Context, assignment: Assignment) -> tuple[str | None, str | None]:
    """(the desired folder's address, its path); both None for the root."""
    folder = ctx.desired.folder_of(assignment)
    if folder is None:
        return None, None
    return ctx.address(folder), "/".join(ctx.desired.folder_path(folder))


def _move(steps: StepList, address: str, folder_address: str | None) -> None:
    steps.add(
        Op.AGENTS_MOVE,
        {"agents": [ref(address)], "folder": ref(folder_address) if folder_address else None},
    )


# -- create -------------------------------------------------------------------------------


def _create(
    ctx: Context, assignment: Assignment, address: str, in_cycle: bool, new: set[str]
) -> None:
    spec = assignment.spec
    build = spec.build
    two_phase = in_cycle or bool(build.handover_to)
    steps = StepList(address)
    flags = {flag: True for flag in FLAGS if getattr(spec, flag)}
    if two_phase:
        ready = [n for n in build.sub_agents if assignment_address(n) not in new]
        first: dict[str, Any] = {
            "name": BOOTSTRAP_NAME,
            "config": build_config(build, sub_agents=ready),
        }
    else:
        first = {"name": build_name(build_digest(build)), "config": build_config(build)}
    params: dict[str, Any] = {"name": assignment.name, "build": first}
    if flags:
        params["flags"] = flags
    steps.add(Op.AGENT_CREATE, params)
    folder_address, folder_path = _folder(ctx, assignment)
    if folder_address is not None:
        _move(steps, address, folder_address)
    notes: list[str] = []
    if two_phase:
        steps.add(Op.BUILD_CREATE, new_build_params(assignment, address, None))
        why = (
            "its sub-agents form a cycle with other new assignments"
            if in_cycle
            else "the first build of a new assignment cannot carry handover targets"
        )
        notes.append(f"created with a bare first build, then its full build ({why})")
    elif build.revision_name is not None or build.revision_description is not None:
        labels = {"build": ref(build_key(address))}
        for label in ("revision_name", "revision_description"):
            if getattr(build, label) is not None:
                labels[label] = getattr(build, label)
        steps.add(Op.BUILD_UPDATE, labels)
    wiring = new_build_wiring(ctx, assignment, address)
    if wiring is not None:
        for params, after in wiring.steps:
            steps.add(Op.BUILD_WIRE, params, after=after)
        notes += wiring.notes
    ctx.result.expected_absent.append({"kind": Assignment.KIND, "name": assignment.name})
    ctx.add(
        Change(
            kind=Assignment.KIND,
            name=assignment.name,
            action=Action.CREATE,
            fields=tuple(_create_fields(assignment, folder_path)),
            depends_on=_depends_on(ctx, assignment),
            notes=tuple(notes),
            steps=steps.tuple(),
        )
    )


def _create_fields(assignment: Assignment, folder_path: str | None) -> Iterable[FieldChange]:
    spec = assignment.spec
    build = spec.build
    if folder_path is not None:
        yield FieldChange("folder", None, folder_path)
    for flag in FLAGS:
        if getattr(spec, flag):
            yield FieldChange(flag, None, True)
    shown = readable_of(build, frozenset(build.sub_agents))
    yield FieldChange("build.model", None, shown.model)
    yield FieldChange("build.browsing", None, shown.browsing)
    yield FieldChange("build.sop", None, shown.sop)
    for label in ("skills", "files", "plugins", "sub_agents", "handover_to", "connections"):
        values = getattr(build, label)
        if values:
            yield FieldChange(f"build.{label}", None, sorted(values))
    if build.options:
        yield FieldChange("build.options", None, shown.options)
    for label in ("revision_name", "revision_description"):
        if getattr(build, label) is not None:
            yield FieldChange(f"build.{label}", None, getattr(build, label))


# -- update -------------------------------------------------------------------------------


def _update(
    ctx: Context, assignment: Assignment, address: str, agent: Agent, facts: SlotFacts
) -> bool:
    spec = assignment.spec
    steps = StepList(address)
    fields: list[FieldChange] = []
    patch: dict[str, Any] = {}
    if agent.name != assignment.name:
        patch["name"] = assignment.name
        fields.append(FieldChange("name", agent.name, assignment.name))
    for flag in FLAGS:
        before, after = bool(getattr(agent, flag)), getattr(spec, flag)
        if before != after:
            patch[flag] = after
            fields.append(FieldChange(flag, before, after))
    if patch:
        steps.add(Op.AGENT_UPDATE, {"agent": ref(address), "fields": patch})
    folder_address, folder_path = _folder(ctx, assignment)
    wanted = ctx.live_id(folder_address) if folder_address else None
    if (folder_address is not None and wanted is None) or wanted != agent.folder_id:
        _move(steps, address, folder_address)
        fields.append(FieldChange("folder", ctx.folder_path(agent.folder_id), folder_path))
    outcome = diff_build(ctx, assignment, address, agent)
    if outcome.op is not None:
        steps.add(outcome.op, outcome.params)
        fields += outcome.fields
    notes = list(outcome.notes)
    newest_not_live(ctx, address, agent, ctx.live.live_build(agent.id), outcome.op, outcome.target)
    if outcome.op is Op.BUILD_CREATE:
        explain_connections(ctx, assignment, agent, fields, notes)
    cleanup = clean_slots(ctx, facts, assignment, address, agent, outcome.op, outcome.target)
    if cleanup.remove:
        steps.add(Op.BUILD_WIRE, cleanup.params(address))
    new_build = outcome.op in (Op.BUILD_CREATE, Op.BUILD_PROMOTE)
    wiring = wiring_drift(ctx, assignment, address, agent, new_build=new_build)
    if wiring is not None:
        for params, after in wiring.steps:
            steps.add(Op.BUILD_WIRE, params, after=after)
        fields += wiring.fields
        notes += wiring.notes
    if not steps:
        return False
    notes += cleanup.notes
    ctx.add(
        Change(
            kind=Assignment.KIND,
            name=assignment.name,
            action=Action.BUILD if outcome.op is Op.BUILD_CREATE else Action.UPDATE,
            fields=tuple(fields),
            depends_on=_depends_on(ctx, assignment),
            notes=tuple(notes),
            live_id=agent.id,
            steps=steps.tuple(),
        )
    )
    return True


def _unmanaged_note(ctx: Context) -> None:
    names = sorted(agent.name for agent in ctx.matches.unmanaged_agents)
    if not names:
        return
    count = len(names)
    ctx.result.notes.append(
        f"{count} live assignment{'s are' if count != 1 else ' is'} not in any manifest "
        f"(unmanaged; the API cannot delete assignments): {listed([quote(n) for n in names])}"
    )
