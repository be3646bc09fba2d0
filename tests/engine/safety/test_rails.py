"""The safety rails (``duvoform.engine.safety``), through the real planning pipeline on hand-made
live
state: protected objects, renames onto live names, non-empty folders, mass deletes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duvoform.engine.live import LiveState
from duvoform.engine.plan import Action
from duvoform.engine.planner import PlanResult
from duvoform.errors import SafetyError
from duvoform.kinds.folder.contents import FolderContents
from duvoform.text import listed
from tests.engine.helpers import agent, connection, folder, live_state, plan_for
from tests.engine.safety.helpers import (
    absent_doc,
    assignment_doc,
    custom_doc,
    docs,
    flag_combinations,
    folder_doc,
    uid,
)

PRUNE_ALL = "prune: {kinds: [Folder, Connection]}\n"


def refused(root: Path, files: dict[str, str], live: LiveState, **options: Any) -> SafetyError:
    with pytest.raises(SafetyError) as info:
        plan_for(root, files, live, **options)
    return info.value


def reasons(error: SafetyError) -> list[str]:
    return [reason for problem in error.problems for reason in problem.reasons]


def deleted(result: PlanResult) -> set[str]:
    return {c.address for c in result.plan.changes if c.action is Action.DELETE}


# -- protected ------------------------------------------------------------------------------

PROTECTED_FILES = {
    "duvoform.yaml": PRUNE_ALL,
    "protected.yaml": docs(
        absent_doc("Folder", "Legal hold", meta=", protected: true"),
        absent_doc("Connection", "Payroll", meta=", protected: true"),
        folder_doc("Treasury", meta=", previous_names: [Cash], protected: true"),
        custom_doc(
            "Warehouse", "warehouse", meta=", previous_names: [Old warehouse], protected: true"
        ),
        assignment_doc("Payroll run", meta=", previous_names: [Payroll bot], protected: true"),
        assignment_doc("Audit", meta=f", id: {uid('agent:Auditor')}, protected: true"),
    ),
}
PROTECTED = {
    "Folder/Legal hold": "deleting it (ensure: absent)",
    "Connection/Payroll": "deleting it (ensure: absent)",
    "Folder/Treasury": 'renaming it from "Cash"',
    "Connection/Warehouse": 'renaming it from "Old warehouse"',
    "Assignment/Payroll run": 'renaming it from "Payroll bot"',
    "Assignment/Audit": 'renaming it from "Auditor"',
}


def protected_live() -> LiveState:
    legal = uid("folder:Legal hold")
    return live_state(
        folders=[folder(legal, "Legal hold"), folder(uid("folder:Cash"), "Cash")],
        agents=[
            agent(uid("agent:Held"), "Held", folder_id=legal),  # makes Legal hold non-empty
            agent(uid("agent:Payroll bot"), "Payroll bot"),
            agent(uid("agent:Auditor"), "Auditor"),
        ],
        connections=[
            connection(uid("connection:Payroll"), "Payroll"),
            connection(
                uid("connection:Old warehouse"),
                "Old warehouse",
                type="custom_mcp",
                server_url="https://mcp.example.com/warehouse",
                auth_method="url",
            ),
        ],
    )


@pytest.mark.parametrize("options", list(flag_combinations()), ids=str)
def test_no_combination_of_flags_deletes_or_renames_a_protected_object(
    tmp_path: Path, options: dict[str, bool]
) -> None:
    error = refused(tmp_path, PROTECTED_FILES, protected_live(), **options)
    by_subject = {p.address: p.reasons for p in error.problems if "protected" in p.reasons[0]}
    labels = {f'{a.split("/")[0]} "{a.split("/", 1)[1]}"': what for a, what in PROTECTED.items()}
    assert set(by_subject) == set(labels)
    for label, what in labels.items():
        (reason,) = by_subject[label]
        assert f"this plan would be {what}" in reason
        assert "remove 'protected: true' to allow it" in reason


@pytest.mark.parametrize("target", sorted(PROTECTED))
@pytest.mark.parametrize("options", list(flag_combinations()), ids=str)
def test_targeting_a_protected_object_is_refused_too(
    tmp_path: Path, target: str, options: dict[str, bool]
) -> None:
    error = refused(tmp_path, PROTECTED_FILES, protected_live(), targets=(target,), **options)
    assert any(PROTECTED[target] in reason for reason in reasons(error))


def test_protected_objects_that_stay_are_never_pruned(tmp_path: Path) -> None:
    files = {
        "duvoform.yaml": PRUNE_ALL,
        "keep.yaml": docs(
            folder_doc("Vault", meta=", protected: true"),
            custom_doc("Payroll", "payroll", meta=", protected: true"),
        ),
    }
    live = live_state(
        folders=[folder(uid("f1"), "Vault"), folder(uid("f2"), "Scratch")],
        connections=[
            connection(
                uid("c1"),
                "Payroll",
                server_url="https://mcp.example.com/payroll",
                auth_method="url",
            ),
            connection(uid("c2"), "Old CRM"),
        ],
    )
    result = plan_for(
        tmp_path, files, live, prune=True, allow_mass_delete=True, allow_nonempty_folder_delete=True
    )
    assert deleted(result) == {"Folder/Scratch", "Connection/Old CRM"}


# -- renames onto live names ----------------------------------------------------------------


@pytest.mark.parametrize("options", list(flag_combinations()), ids=str)
def test_a_rename_onto_a_live_name_is_refused_for_every_kind(
    tmp_path: Path, options: dict[str, bool]
) -> None:
    finance, monthly, reports = uid("finance"), uid("monthly"), uid("reports")
    files = {
        "team.yaml": docs(
            folder_doc("Finance"),
            folder_doc("Reports", meta=f", id: {monthly}", spec="parent: Finance"),
            custom_doc("Snowflake prod", "staging", meta=f", id: {uid('staging')}"),
            assignment_doc("Invoice triage", meta=f", id: {uid('bot')}"),
        )
    }
    live = live_state(
        folders=[
            folder(finance, "Finance"),
            folder(monthly, "Monthly", finance),
            folder(reports, "Reports", finance),
        ],
        agents=[agent(uid("bot"), "Invoice bot"), agent(uid("other"), "Invoice triage")],
        connections=[
            connection(uid("staging"), "Snowflake staging"),
            connection(uid("prod"), "Snowflake prod"),
        ],
    )
    error = refused(tmp_path, files, live, **options)
    texts = reasons(error)
    assert len(texts) == 3
    assert (
        f'renaming it from "Monthly" would give it the path "Finance/Reports", which another '
        f"live Folder already has ({reports})" in texts[0]
    )
    assert (
        f'the name "Snowflake prod", which another live Connection already has ({uid("prod")})'
        in texts[1]
    )
    assert (
        f'the name "Invoice triage", which another live Assignment already has ({uid("other")})'
        in texts[2]
    )
    assert all("rename or delete that one first" in text for text in texts)


def test_moving_a_folder_next_to_a_live_folder_of_the_same_name_is_refused(tmp_path: Path) -> None:
    a, b, x, y = uid("a"), uid("b"), uid("x"), uid("y")
    files = {
        "f.yaml": docs(folder_doc("A"), folder_doc("Inbox", meta=f", id: {x}", spec="parent: A"))
    }
    live = live_state(
        folders=[folder(a, "A"), folder(b, "B"), folder(x, "Inbox", b), folder(y, "Inbox", a)]
    )
    (text,) = reasons(refused(tmp_path, files, live))
    assert text.startswith(
        f'moving it would give it the path "A/Inbox", which another live Folder already has ({y})'
    )


def test_renames_onto_free_names_and_the_objects_own_name_pass(tmp_path: Path) -> None:
    files = {
        "team.yaml": docs(
            folder_doc("Reports", meta=", previous_names: [Monthly]"),
            assignment_doc("Invoice triage", meta=", previous_names: [Invoice bot]"),
            custom_doc("Snowflake prod", "sf", meta=", previous_names: [Snowflake]"),
        )
    }
    live = live_state(
        folders=[folder(uid("m"), "Monthly"), folder(uid("r"), "Reports archive")],
        agents=[agent(uid("bot"), "Invoice bot")],
        connections=[
            connection(
                uid("sf"), "Snowflake", server_url="https://mcp.example.com/sf", auth_method="url"
            )
        ],
    )
    result = plan_for(tmp_path, files, live)
    renames = {
        c.address: next(f for f in c.fields if f.path == "name").before for c in result.plan.changes
    }
    assert renames == {
        "Folder/Reports": "Monthly",
        "Assignment/Invoice triage": "Invoice bot",
        "Connection/Snowflake prod": "Snowflake",
    }


# -- non-empty folders ----------------------------------------------------------------------


def test_a_pruned_folder_that_holds_assignments_needs_the_flag(tmp_path: Path) -> None:
    old, sub = uid("old"), uid("sub")
    files = {"duvoform.yaml": PRUNE_ALL, "f.yaml": folder_doc("Keep")}
    live = live_state(
        folders=[folder(uid("keep"), "Keep"), folder(old, "Old"), folder(sub, "Drafts", old)],
        agents=[agent(uid(f"s{n}"), f"Stray {n:02d}", folder_id=old) for n in range(12)],
    )
    error = refused(tmp_path, files, live, prune=True)
    (text,) = reasons(error)
    assert text == (
        "Folder/Old is not empty: 12 live assignments move to the root folder: Stray 00, "
        "Stray 01, Stray 02, Stray 03, Stray 04, Stray 05, Stray 06, Stray 07, Stray 08, "
        "Stray 09 and 2 more; pass --allow-nonempty-folder-delete to delete it anyway"
    )  # its subfolder is pruned too, so it is not "contents"
    assert error.problems[0].location is None  # no manifest asked for it
    result = plan_for(tmp_path, files, live, prune=True, allow_nonempty_folder_delete=True)
    by_address = {c.address: c for c in result.plan.changes}
    assert by_address["Folder/Old"].steps[0].params["force"] is True
    assert by_address["Folder/Old/Drafts"].steps[0].params["force"] is False


def test_assignments_the_plan_moves_out_do_not_make_a_folder_non_empty(tmp_path: Path) -> None:
    sandbox = uid("sandbox")
    files = {
        "f.yaml": docs(
            absent_doc("Folder", "Sandbox"),
            folder_doc("Keep"),
            assignment_doc("Bot", folder="Keep"),
        )
    }
    live = live_state(
        folders=[folder(sandbox, "Sandbox"), folder(uid("keep"), "Keep", sandbox)],
        agents=[agent(uid("bot"), "Bot", folder_id=sandbox)],
    )
    result = plan_for(tmp_path, files, live)
    delete = next(c for c in result.plan.changes if c.action is Action.DELETE)
    assert delete.steps[0].params["force"] is False
    assert delete.notes == ("deleted because: ensure: absent",)


# -- mass deletes ---------------------------------------------------------------------------


def twenty_connections() -> LiveState:
    return live_state(connections=[connection(uid(f"c{n}"), f"Tool {n:02d}") for n in range(20)])


def absent_tools(count: int) -> dict[str, str]:
    return {"c.yaml": docs(*(absent_doc("Connection", f"Tool {n:02d}") for n in range(count)))}


def test_deleting_11_of_20_connections_is_refused_unless_allowed(tmp_path: Path) -> None:
    error = refused(tmp_path, absent_tools(11), twenty_connections())
    (problem,) = error.problems
    assert problem.location is None
    assert problem.reasons[0].startswith(
        "this plan would delete 11 of 20 live connections, more than the safety limit of 10 "
        "(duvoform.yaml safety); pass --allow-mass-delete if that is intended. It would "
        "delete: Tool 00, Tool 01,"
    )
    assert problem.reasons[0].endswith("Tool 09 and 1 more")
    result = plan_for(tmp_path, absent_tools(11), twenty_connections(), allow_mass_delete=True)
    assert len(deleted(result)) == 11


def test_the_threshold_itself_passes(tmp_path: Path) -> None:
    result = plan_for(tmp_path, absent_tools(10), twenty_connections())
    assert len(deleted(result)) == 10


def test_thresholds_come_from_duvoform_yaml_per_kind(tmp_path: Path) -> None:
    files = absent_tools(3)
    files["duvoform.yaml"] = "safety: {kinds: {Connection: {min_delete_count: 2}}}\n"
    assert len(deleted(plan_for(tmp_path, files, twenty_connections()))) == 3  # limit 30% = 6
    files["duvoform.yaml"] = (
        "safety: {kinds: {Connection: {min_delete_count: 2, max_delete_fraction: 0.1}}}\n"
    )
    error = refused(tmp_path, files, twenty_connections())
    assert "delete 3 of 20 live connections, more than the safety limit of 2" in str(error)


def test_each_kind_is_counted_against_its_own_live_objects(tmp_path: Path) -> None:
    files = {
        "duvoform.yaml": PRUNE_ALL,
        "keep.yaml": docs(*(folder_doc(f"F{n:02d}") for n in range(10, 20))),
    }
    live = live_state(
        folders=[folder(uid(f"f{n}"), f"F{n:02d}") for n in range(20)],
        connections=[connection(uid(f"c{n}"), f"Tool {n:02d}") for n in range(10)],
    )
    # 10 of 20 folders (at the limit) and 10 of 10 connections (the minimum of 10): both pass.
    assert len(deleted(plan_for(tmp_path, files, live, prune=True))) == 20
    files["duvoform.yaml"] = PRUNE_ALL + "safety: {min_delete_count: 9}\n"
    error = refused(tmp_path, files, live, prune=True)
    assert [r.split(",")[0] for r in reasons(error)] == [
        "this plan would delete 10 of 10 live connections",
        "this plan would delete 10 of 20 live folders",
    ]


# -- all at once, and targets ---------------------------------------------------------------


def test_every_broken_rule_is_reported_at_once_in_manifest_order(tmp_path: Path) -> None:
    sandbox = uid("sandbox")
    files = absent_tools(11)
    files["z.yaml"] = docs(
        absent_doc("Folder", "Sandbox"),
        assignment_doc("Bot", meta=", previous_names: [Old bot], protected: true"),
    )
    live = twenty_connections()
    live = live_state(
        folders=[folder(sandbox, "Sandbox")],
        agents=[agent(uid("stray"), "Stray", folder_id=sandbox), agent(uid("ob"), "Old bot")],
        connections=live.connections,
    )
    error = refused(tmp_path, files, live)
    where = [(p.location.line, p.location.col) if p.location else None for p in error.problems]
    assert where == [(4, 16), (8, 18), None]  # ensure: absent, metadata.name, the whole plan
    assert str(error).endswith("the plan was refused by 3 safety rules; nothing was written")


def test_refusals_follow_the_target(tmp_path: Path) -> None:
    files = absent_tools(11)
    files["f.yaml"] = folder_doc("New")
    targeted = plan_for(tmp_path, files, twenty_connections(), targets=("Folder/New",))
    assert [c.address for c in targeted.plan.changes] == ["Folder/New"]
    one = plan_for(tmp_path, files, twenty_connections(), targets=("Connection/Tool 03",))
    assert deleted(one) == {"Connection/Tool 03"}  # one delete is under the threshold


# -- helpers --------------------------------------------------------------------------------


def test_folder_contents_notes() -> None:
    assert FolderContents() == FolderContents((), ())
    assert not FolderContents()
    held = FolderContents(("A",), ("X/Y", "X/Z"))
    assert held.notes() == [
        "1 live assignment moves to the root folder: A",
        "2 undeclared subfolders are deleted with it: X/Y, X/Z",
    ]
    assert listed([str(n) for n in range(12)]) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more"
    assert listed(["a", "b"], shown=1) == "a and 1 more"
