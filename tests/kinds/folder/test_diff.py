"""Folder changes: create, rename, re-parent, delete (ensure: absent, --prune), safety rails."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.engine.plan import Action
from duvoform.engine.steps import Op, ref
from duvoform.errors import SafetyError
from tests.engine.helpers import agent, folder, live_state, plan_for

F, G, H, K = (
    "aaaaaaaa-0000-4000-8000-000000000001",
    "aaaaaaaa-0000-4000-8000-000000000002",
    "aaaaaaaa-0000-4000-8000-000000000003",
    "aaaaaaaa-0000-4000-8000-000000000004",
)


def doc(name: str, parent: str | None = None, *, meta: str = "", spec: str = "") -> str:
    parts = []
    if parent:
        parts.append(f"parent: {parent}")
    if spec:
        parts.append(spec)
    body = f"spec: {{{', '.join(parts)}}}\n" if parts else ""
    return f"apiVersion: duvoform/v1\nkind: Folder\nmetadata: {{name: {name}{meta}}}\n{body}"


def docs(*items: str) -> dict[str, str]:
    return {"folders.yaml": "---\n".join(items)}


def test_creates_run_parent_first_and_refer_to_the_parent(tmp_path: Path) -> None:
    result = plan_for(
        tmp_path, docs(doc("B", "A"), doc("A"), doc("C", "B")), live_state(folders=[])
    )
    assert [c.address for c in result.plan.changes] == ["Folder/A", "Folder/A/B", "Folder/A/B/C"]
    child = result.plan.changes[1]
    assert child.action is Action.CREATE
    assert child.depends_on == ("Folder/A",)
    (step,) = child.steps
    assert step.op is Op.FOLDER_CREATE
    assert step.params == {"name": "B", "parent": ref("Folder/A")}
    assert step.after == ("Folder/A#1",)
    assert result.plan.changes[0].steps[0].params == {"name": "A", "parent": None}
    assert {"kind": "Folder", "path": "A/B/C"} in result.expected_absent


def test_rename_and_re_parent_are_one_update(tmp_path: Path) -> None:
    files = docs(doc("Ops"), doc("Reports", "Ops", meta=", previous_names: [Old reports]"))
    live = live_state(folders=[folder(F, "Ops"), folder(G, "Finance"), folder(H, "Old reports", G)])
    result = plan_for(tmp_path, files, live)
    (change,) = result.plan.changes
    assert change.action is Action.UPDATE
    assert change.live_id == H
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("name", "Old reports", "Reports"),
        ("parent", "Finance", "Ops"),
    ]
    assert change.steps[0].params == {
        "folder": ref("Folder/Ops/Reports"),
        "name": "Reports",
        "parent": ref("Folder/Ops"),
    }
    assert result.plan.unchanged == 1


def test_moving_a_folder_to_the_root(tmp_path: Path) -> None:
    live = live_state(folders=[folder(F, "Finance"), folder(G, "Archive", F)])
    result = plan_for(tmp_path, docs(doc("Finance"), doc("Archive")), live)
    (change,) = result.plan.changes
    assert change.steps[0].params == {"folder": ref("Folder/Archive"), "parent": None}
    assert [(f.path, f.before, f.after) for f in change.fields] == [("parent", "Finance", None)]


def test_renaming_a_protected_folder_is_refused(tmp_path: Path) -> None:
    files = docs(doc("Ops", meta=", protected: true, previous_names: [Operations]"))
    with pytest.raises(SafetyError, match="protected"):
        plan_for(tmp_path, files, live_state(folders=[folder(F, "Operations")]))


def test_an_absent_folder_that_is_live_is_deleted_after_its_contents_move_out(
    tmp_path: Path,
) -> None:
    files = docs(doc("Sandbox", spec="ensure: absent"), doc("Keep"))
    files["a.yaml"] = (
        "apiVersion: duvoform/v1\nkind: Assignment\nmetadata: {name: Bot}\n"
        "spec: {folder: Keep, build: {model: m, sop: s}}\n"
    )
    live = live_state(
        folders=[folder(F, "Sandbox"), folder(G, "Keep", F)],
        agents=[agent(H, "Bot", folder_id=F)],
    )
    result = plan_for(tmp_path, files, live)
    by_address = {c.address: c for c in result.plan.changes}
    delete = by_address["Folder/Sandbox"]
    assert delete.action is Action.DELETE
    assert delete.steps[0].params == {"folder": ref("Folder/Sandbox"), "force": False}
    assert set(delete.steps[0].after) == {"Assignment/Bot#1", "Folder/Keep#1"}  # the move
    assert set(delete.depends_on) == {"Assignment/Bot", "Folder/Keep"}
    assert result.plan.changes[-1].address == "Folder/Sandbox"  # deletes run last
    assert result.ids["Folder/Sandbox"] == F


def test_a_non_empty_delete_needs_the_flag_and_says_what_moves(tmp_path: Path) -> None:
    files = docs(doc("Sandbox", spec="ensure: absent"))
    live = live_state(
        folders=[folder(F, "Sandbox"), folder(G, "Scratch", F)],
        agents=[agent(H, "Stray", folder_id=F)],
    )
    with pytest.raises(SafetyError) as info:
        plan_for(tmp_path, files, live)
    text = info.value.render()
    assert "1 live assignment moves to the root folder: Stray" in text
    assert "1 undeclared subfolder is deleted with it: Sandbox/Scratch" in text
    assert "--allow-nonempty-folder-delete" in text
    result = plan_for(tmp_path, files, live, allow_nonempty_folder_delete=True)
    (change,) = result.plan.changes
    assert change.steps[0].params["force"] is True
    assert any("Stray" in note for note in change.notes)


def test_a_protected_absent_folder_is_refused(tmp_path: Path) -> None:
    files = docs(doc("Sandbox", meta=", protected: true", spec="ensure: absent"))
    with pytest.raises(SafetyError, match="deleting it"):
        plan_for(tmp_path, files, live_state(folders=[folder(F, "Sandbox")]))


def test_an_absent_folder_that_is_gone_is_unchanged(tmp_path: Path) -> None:
    result = plan_for(tmp_path, docs(doc("Sandbox", spec="ensure: absent")), live_state())
    assert not result.plan.has_changes
    assert result.plan.unchanged == 1
    assert result.expected_absent == ({"kind": "Folder", "path": "Sandbox"},)


def test_prune_deletes_undeclared_folders_only_in_prune_scope(tmp_path: Path) -> None:
    live = live_state(folders=[folder(F, "Keep"), folder(G, "Old"), folder(H, "Older", G)])
    files = docs(doc("Keep"))
    assert not plan_for(tmp_path, files, live, prune=True).plan.has_changes  # not in scope
    files["duvoform.yaml"] = "prune: {kinds: [Folder]}\n"
    assert not plan_for(tmp_path, files, live).plan.has_changes  # scope, but no --prune
    result = plan_for(tmp_path, files, live, prune=True)
    assert [c.address for c in result.plan.changes] == ["Folder/Old/Older", "Folder/Old"]
    old = result.plan.changes[1]
    assert old.steps[0].after == ("Folder/Old/Older#1",)
    assert "not in any manifest (--prune)" in old.notes[0]


def test_mass_deletes_are_refused_above_the_threshold(tmp_path: Path) -> None:
    live = live_state(folders=[folder(F, "A"), folder(G, "B"), folder(H, "C"), folder(K, "D")])
    files = docs(doc("A"))
    files["duvoform.yaml"] = "prune: {kinds: [Folder]}\nsafety: {min_delete_count: 2}\n"
    with pytest.raises(SafetyError, match="delete 3 of 4 live folders"):
        plan_for(tmp_path, files, live, prune=True)
    result = plan_for(tmp_path, files, live, prune=True, allow_mass_delete=True)
    assert result.plan.summary()["delete"] == 3


def test_a_refused_delete_blocks_only_plans_that_include_it(tmp_path: Path) -> None:
    files = docs(doc("Sandbox", spec="ensure: absent"), doc("New"))
    live = live_state(folders=[folder(F, "Sandbox")], agents=[agent(H, "Stray", folder_id=F)])
    targeted = plan_for(tmp_path, files, live, targets=("Folder/New",))
    assert [c.address for c in targeted.plan.changes] == ["Folder/New"]
    with pytest.raises(SafetyError, match="Folder/Sandbox is not empty"):
        plan_for(tmp_path, files, live, targets=("Folder/Sandbox",))
    with pytest.raises(SafetyError):
        plan_for(tmp_path, files, live)
