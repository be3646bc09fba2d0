"""Order: step edges from references, change sequence and differ hints; deterministic sort."""

from __future__ import annotations

import pytest

from duvoform.engine.order import order, steps_in_order
from duvoform.engine.plan import Action, Change
from duvoform.engine.steps import Op, Step, build_key, ref
from duvoform.errors import PlanError


def change(kind: str, name: str, action: Action, *steps: tuple[Op, dict[str, object]]) -> Change:
    address = f"{kind}/{name}"
    return Change(
        kind=kind,
        name=name,
        action=action,
        steps=tuple(
            Step(id=f"{address}#{n}", op=op, address=address, params=params)
            for n, (op, params) in enumerate(steps, start=1)
        ),
    )


def folder_create(name: str, parent: str | None = None) -> Change:
    params = {
        "name": name.rsplit("/", 1)[-1],
        "parent": ref(f"Folder/{parent}") if parent else None,
    }
    return change("Folder", name, Action.CREATE, (Op.FOLDER_CREATE, params))


def agent_create(name: str, *, subs: tuple[str, ...] = (), folder: str | None = None) -> Change:
    config = {"data": {"subAgents": [ref(f"Assignment/{s}") for s in subs]}}
    steps: list[tuple[Op, dict[str, object]]] = [
        (Op.AGENT_CREATE, {"name": name, "build": {"name": "b", "config": config}})
    ]
    if folder:
        steps.append(
            (
                Op.AGENTS_MOVE,
                {"agents": [ref(f"Assignment/{name}")], "folder": ref(f"Folder/{folder}")},
            )
        )
    return change("Assignment", name, Action.CREATE, *steps)


def test_references_to_created_objects_become_edges() -> None:
    plan = order(
        [
            agent_create("Boss", subs=("Helper", "Existing"), folder="F"),
            agent_create("Helper"),
            folder_create("F"),
        ]
    )
    assert [c.address for c in plan.changes] == ["Folder/F", "Assignment/Helper", "Assignment/Boss"]
    steps = {s.id: s for c in plan.changes for s in c.steps}
    assert steps["Assignment/Boss#1"].after == ("Assignment/Helper#1",)
    assert steps["Assignment/Boss#2"].after == ("Assignment/Boss#1", "Folder/F#1")
    assert steps["Folder/F#1"].after == ()


def test_a_build_reference_waits_for_the_last_step_that_makes_the_build() -> None:
    bot = change(
        "Assignment",
        "Bot",
        Action.CREATE,
        (Op.AGENT_CREATE, {"name": "Bot"}),
        (Op.BUILD_CREATE, {"agent": ref("Assignment/Bot")}),
    )
    wire = change(
        "Assignment",
        "Wire",
        Action.UPDATE,
        (Op.BUILD_UPDATE, {"build": ref(build_key("Assignment/Bot"))}),
    )
    plan = order([wire, bot])
    steps = {s.id: s for c in plan.changes for s in c.steps}
    assert steps["Assignment/Wire#1"].after == ("Assignment/Bot#2",)


def test_differ_hints_are_kept_and_unknown_ids_dropped() -> None:
    delete = Change(
        kind="Folder",
        name="Old",
        action=Action.DELETE,
        steps=(
            Step(
                id="Folder/Old#1",
                op=Op.FOLDER_DELETE,
                address="Folder/Old",
                params={"folder": ref("Folder/Old"), "force": False},
                after=("Folder/Old/Child#1", "Assignment/Gone#9"),
            ),
        ),
    )
    child = change(
        "Folder",
        "Old/Child",
        Action.DELETE,
        (Op.FOLDER_DELETE, {"folder": ref("Folder/Old/Child")}),
    )
    plan = order([delete, child, folder_create("New")])
    assert [c.address for c in plan.changes] == ["Folder/New", "Folder/Old/Child", "Folder/Old"]
    assert plan.changes[-1].steps[0].after == ("Folder/Old/Child#1",)


def test_ties_are_broken_by_kind_then_address_and_the_result_is_stable() -> None:
    changes = [
        agent_create("b"),
        agent_create("a"),
        folder_create("Z"),
        change("Connection", "C", Action.AUTHORIZE, (Op.CONNECTION_AUTHORIZE, {"name": "C"})),
    ]
    first = order(changes)
    assert [c.address for c in first.changes] == [
        "Folder/Z",
        "Connection/C",
        "Assignment/a",
        "Assignment/b",
    ]
    assert order(list(reversed(changes))) == first
    assert [s.id for s in steps_in_order(first)] == [
        "Folder/Z#1",
        "Connection/C#1",
        "Assignment/a#1",
        "Assignment/b#1",
    ]


def test_a_cycle_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="cycle"):
        order([agent_create("A", subs=("B",)), agent_create("B", subs=("A",))])


def test_counts_warnings_and_notes_pass_through() -> None:
    plan = order([], unchanged=3, warnings=["w"], notes=["n"])
    assert (plan.unchanged, plan.warnings, plan.notes, plan.changes) == (3, ("w",), ("n",), ())
