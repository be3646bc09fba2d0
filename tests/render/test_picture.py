from __future__ import annotations

from collections import Counter
from pathlib import Path

from duvoform.engine.plan import Action, Change, Plan
from duvoform.render.picture import EdgeRole, Group, Node, Picture, focus, picture_of
from tests.engine.helpers import desired_from, write
from tests.render.pictures import example_desired


def keys(picture: Picture) -> set[str]:
    return {g.key for g in picture.groups} | {n.key for n in picture.nodes}


def test_the_example_team() -> None:
    picture = picture_of(example_desired())
    assert not picture.of_plan
    assert Counter(n.kind for n in picture.nodes) == {"Assignment": 10, "Connection": 5}
    assert len(picture.groups) == 7
    assert picture.get("Folder/Finance/Accounts Payable") == Group(
        "Folder/Finance/Accounts Payable", "Accounts Payable", "Folder/Finance"
    )
    assert picture.get("Assignment/Invoice triage") == Node(
        "Assignment/Invoice triage",
        "Assignment",
        "Invoice triage",
        "Folder/Finance/Accounts Payable",
    )
    triage = {(e.target, e.role) for e in picture.edges if e.source == "Assignment/Invoice triage"}
    assert triage == {
        ("Assignment/Vendor lookup", EdgeRole.SUB_AGENT),
        ("Assignment/AP escalations", EdgeRole.HANDOVER),
        ("Connection/AP inbox", EdgeRole.CONNECTION),
        ("Connection/ERP tools", EdgeRole.CONNECTION),
    }
    assert Counter(e.role for e in picture.edges) == {
        EdgeRole.SUB_AGENT: 4,
        EdgeRole.HANDOVER: 5,
        EdgeRole.CONNECTION: 14,
    }
    assert all(g.action is None for g in picture.groups)
    assert picture.actions() == (None,)


def test_a_plan_marks_objects_and_adds_what_it_deletes_undeclared() -> None:
    plan = Plan(
        changes=(
            Change("Assignment", "Invoice triage", Action.BUILD),
            Change("Folder", "Finance/Old", Action.DELETE),
            Change("Folder", "Gone/Deeper", Action.DELETE),
            Change("Connection", "Legacy", Action.DELETE),
        )
    )
    picture = picture_of(example_desired(), plan)
    assert picture.of_plan
    assert picture.get("Assignment/Invoice triage").action is Action.BUILD  # type: ignore[union-attr]
    assert picture.get("Assignment/Vendor lookup").action is None  # type: ignore[union-attr]
    assert picture.get("Folder/Finance/Old") == Group(
        "Folder/Finance/Old", "Old", "Folder/Finance", Action.DELETE
    )
    assert picture.get("Folder/Gone/Deeper") == Group(
        "Folder/Gone/Deeper", "Deeper", None, Action.DELETE
    )
    assert picture.get("Connection/Legacy") == Node(
        "Connection/Legacy", "Connection", "Legacy", None, Action.DELETE, stored=True
    )
    assert picture.actions() == (Action.DELETE, Action.BUILD, None)


def test_objects_marked_absent_are_drawn_only_when_the_plan_deletes_them(tmp_path: Path) -> None:
    root = write(
        tmp_path / "m",
        {
            "team.yaml": """
                apiVersion: duvoform/v1
                kind: Folder
                metadata: {name: Old}
                spec: {ensure: absent}
                ---
                apiVersion: duvoform/v1
                kind: Connection
                metadata: {name: Legacy}
                spec: {ensure: absent}
                ---
                apiVersion: duvoform/v1
                kind: Assignment
                metadata: {name: Solo}
                spec:
                  build: {model: claude-sonnet-4-6, sop: Work.}
                """
        },
    )
    desired = desired_from(root)
    assert keys(picture_of(desired)) == {"Assignment/Solo"}
    plan = Plan(changes=(Change("Connection", "Legacy", Action.DELETE),))
    assert keys(picture_of(desired, plan)) == {"Assignment/Solo", "Connection/Legacy"}


def test_focus_keeps_the_changes_their_neighbours_and_their_folders() -> None:
    plan = Plan(changes=(Change("Assignment", "Invoice triage", Action.UPDATE),))
    shown = focus(picture_of(example_desired(), plan))
    assert keys(shown) == {
        "Assignment/Invoice triage",
        "Assignment/Vendor lookup",
        "Assignment/AP escalations",
        "Connection/AP inbox",
        "Connection/ERP tools",
        "Folder/Finance/Accounts Payable",
        "Folder/Finance",
    }
    assert shown.left_out == 0
    assert len(shown.edges) == 6  # every edge between kept objects, not only the changed one's
    assert shown.of_plan


def test_focus_stops_at_the_limit_and_counts_what_it_left_out() -> None:
    plan = Plan(
        changes=(
            Change("Connection", "Snowflake finance", Action.UPDATE),
            Change("Folder", "Finance/Old", Action.DELETE),
        )
    )
    picture = picture_of(example_desired(), plan)
    shown = focus(picture, limit=3)
    # deletes first: the folder brings its parent; the connection fills the third place
    assert keys(shown) == {"Folder/Finance/Old", "Folder/Finance", "Connection/Snowflake finance"}
    users = {e.source for e in picture.edges if e.target == "Connection/Snowflake finance"}
    assert shown.left_out == len(users) == 4
    assert shown.size == 3
    assert focus(picture, limit=0).size == 0
    assert focus(picture, limit=0).left_out == 2 + 4


def test_focus_of_an_unchanged_team_is_empty() -> None:
    assert focus(picture_of(example_desired(), Plan())).size == 0
