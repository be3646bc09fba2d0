"""Order: the changes' steps as a DAG, and the plan in execution order.

::

    folder.create (parent) ──▶ folder.create (child) ──▶ agents.move (into it)
          │                          │
          ▼                          ▼
    folder.update (re-parent under it)      connection.create ──▶ (build wiring, later)

    agent.create (sub-agent) ──▶ agent.create (referrer, subAgents: [ref])
    agent.create A (bare) ──▶ agent.create B ──▶ build.create A (full build, refs B)
    agents.move out of F ─┐
    folder.delete child  ─┼──▶ folder.delete F            (deletes bottom-up, last)
    folder.update child  ─┘

An arrow means "runs after". Every edge comes from one of three places:

1. a reference: a step whose parameters hold ``{"$ref": address}`` runs after the step that
   creates ``address`` (``folder.create``, ``agent.create``, ``connection.create``), and a
   reference to ``"<address>@build"`` after the last step that makes that build
   (``agent.create``, then ``build.create``); references to objects that already exist need
   nothing (the id map has them);
2. the order of one change's own steps (each runs after the one before it);
3. the ``after`` a differ set (a folder delete waits for the moves out of the folder and the
   deletes or re-parents of its subfolders); ids not in the plan are dropped.

Steps are sorted topologically; ties are broken by (deletes last, kind order Folder,
Connection, Assignment, address, step number), so the same inputs always give the same plan.
``Plan.changes`` is in the order of each change's first step. A cycle (which the differ
avoids by creating bare, then building) is a ``PlanError``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import replace

from duvoform.engine.plan import Action, Change, Plan
from duvoform.engine.steps import Op, Step, build_key, refs_in
from duvoform.errors import PlanError, Problem
from duvoform.kinds.registry import order_of

__all__ = ["order", "order_with_steps", "steps_in_order"]

_CREATES = frozenset({Op.FOLDER_CREATE, Op.AGENT_CREATE, Op.CONNECTION_CREATE})
_BUILDS = frozenset({Op.AGENT_CREATE, Op.BUILD_CREATE})


def _change_key(change: Change) -> tuple[int, int, str]:
    return (
        1 if change.action is Action.DELETE else 0,
        order_of(change.kind),
        change.address,
    )


def _edges(changes: Sequence[Change]) -> dict[str, tuple[str, ...]]:
    """step id -> the ids of the steps it runs after."""
    producers: dict[str, str] = {}
    known: set[str] = set()
    for change in changes:
        for step in change.steps:
            known.add(step.id)
            if step.op in _CREATES:
                producers.setdefault(step.address, step.id)
            if step.op in _BUILDS:
                producers[build_key(step.address)] = step.id
    edges: dict[str, tuple[str, ...]] = {}
    for change in changes:
        previous: str | None = None
        for step in change.steps:
            after: list[str] = [a for a in step.after if a in known]
            if previous is not None:
                after.append(previous)
            for address in sorted(refs_in(step.params)):
                producer = producers.get(address)
                if producer is not None and producer != step.id:
                    after.append(producer)
            edges[step.id] = tuple(sorted(set(after) - {step.id}))
            previous = step.id
    return edges


def _sorted_steps(changes: Sequence[Change], edges: dict[str, tuple[str, ...]]) -> list[Step]:
    keys: dict[str, tuple[int, int, str, int]] = {}
    steps: dict[str, Step] = {}
    for change in changes:
        base = _change_key(change)
        for number, step in enumerate(change.steps):
            keys[step.id] = (*base, number)
            steps[step.id] = step
    waiting = {sid: len(edges[sid]) for sid in steps}
    followers: dict[str, list[str]] = {sid: [] for sid in steps}
    for sid, after in edges.items():
        for before in after:
            followers[before].append(sid)
    ready = [(keys[sid], sid) for sid, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    out: list[Step] = []
    while ready:
        _, sid = heapq.heappop(ready)
        step = steps[sid]
        out.append(Step(step.id, step.op, step.address, step.params, edges[sid]))
        for nxt in followers[sid]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (keys[nxt], nxt))
    if len(out) != len(steps):
        stuck = sorted(sid for sid, count in waiting.items() if count > 0)
        raise PlanError(
            [
                Problem(
                    None,
                    (
                        "the changes depend on each other in a cycle that cannot be ordered: "
                        + ", ".join(stuck),
                    ),
                )
            ]
        )
    return out


def order(
    changes: Iterable[Change],
    *,
    unchanged: int = 0,
    warnings: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> Plan:
    """The plan: ``changes`` in execution order, each step's ``after`` filled in."""
    return order_with_steps(changes, unchanged=unchanged, warnings=warnings, notes=notes)[0]


def order_with_steps(
    changes: Iterable[Change],
    *,
    unchanged: int = 0,
    warnings: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> tuple[Plan, tuple[Step, ...]]:
    """``order``, and the plan's steps in execution order (``steps_in_order`` of it)."""
    listed = sorted(changes, key=_change_key)
    edges = _edges(listed)
    ordered = _sorted_steps(listed, edges)
    position = {step.id: index for index, step in enumerate(ordered)}
    by_id = {step.id: step for step in ordered}
    placed = []
    for change in listed:
        steps = tuple(by_id[step.id] for step in change.steps)
        first = min((position[s.id] for s in steps), default=len(position))
        placed.append((first, _change_key(change), replace(change, steps=steps)))
    placed.sort(key=lambda item: (item[0], item[1]))
    plan = Plan(
        changes=tuple(change for _, _, change in placed),
        unchanged=unchanged,
        warnings=tuple(warnings),
        notes=tuple(notes),
    )
    return plan, tuple(ordered)


def steps_in_order(plan: Plan) -> tuple[Step, ...]:
    """Every step of ``plan`` in one execution order (a topological order of ``after``)."""
    changes = list(plan.changes)
    edges = {step.id: step.after for change in changes for step in change.steps}
    known = set(edges)
    edges = {sid: tuple(a for a in after if a in known) for sid, after in edges.items()}
    return tuple(_sorted_steps(changes, edges))
