"""Identity matching: pins, names, previous names, folder paths, ambiguity, claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.engine.match import match
from duvoform.errors import AmbiguousIdentityError, PlanError
from tests.engine.helpers import (
    agent,
    connection,
    desired_from,
    folder,
    live_state,
    write,
)

A = "11111111-1111-4111-8111-111111111111"
B = "22222222-2222-4222-8222-222222222222"
C = "33333333-3333-4333-8333-333333333333"


def assignment(name: str, *, meta: str = "", folder_ref: str | None = None) -> str:
    spec_folder = f"  folder: {folder_ref}\n" if folder_ref else ""
    return (
        "apiVersion: duvoform/v1\nkind: Assignment\n"
        f"metadata: {{name: {name}{meta}}}\n"
        f"spec:\n{spec_folder}  build: {{model: m, sop: s}}\n"
    )


def folders(*docs: tuple[str, str | None, str]) -> str:
    """(name, parent, extra metadata) -> Folder documents."""
    out = []
    for name, parent, meta in docs:
        spec = f"spec: {{parent: {parent}}}\n" if parent else ""
        out.append(
            f"apiVersion: duvoform/v1\nkind: Folder\nmetadata: {{name: {name}{meta}}}\n{spec}"
        )
    return "---\n".join(out)


def test_assignments_match_by_name_and_the_rest_is_unmanaged(tmp_path: Path) -> None:
    desired = desired_from(write(tmp_path, {"a.yaml": assignment("Ops")}))
    matches = match(desired, live_state(agents=[agent(A, "Ops"), agent(B, "Other")]))
    found = matches.get("Assignment/Ops")
    assert found is not None
    assert (found.live_id, found.how) == (A, "name")
    assert [a.id for a in matches.unmanaged_agents] == [B]
    assert matches.ids() == {"Assignment/Ops": A}
    assert matches.address_of(A) == "Assignment/Ops"
    assert matches.address_of(B) is None


def test_two_live_assignments_with_one_name_is_an_error_naming_both_ids(tmp_path: Path) -> None:
    desired = desired_from(write(tmp_path, {"a.yaml": assignment("Ops")}))
    with pytest.raises(AmbiguousIdentityError) as info:
        match(desired, live_state(agents=[agent(B, "Ops"), agent(A, "Ops")]))
    text = info.value.render()
    assert f'2 live assignments are named "Ops" ({A}, {B})' in text
    assert "metadata.id" in text
    assert "a.yaml:3:" in text  # points at metadata.name


def test_a_pin_picks_one_of_two_and_leaves_the_other_unmanaged(tmp_path: Path) -> None:
    desired = desired_from(write(tmp_path, {"a.yaml": assignment("Ops", meta=f", id: {B}")}))
    matches = match(desired, live_state(agents=[agent(A, "Ops"), agent(B, "Ops")]))
    assert matches.live_id("Assignment/Ops") == B
    assert [a.id for a in matches.unmanaged_agents] == [A]


def test_a_pinned_id_that_is_not_live_is_an_error(tmp_path: Path) -> None:
    desired = desired_from(write(tmp_path, {"a.yaml": assignment("Ops", meta=f", id: {C}")}))
    with pytest.raises(PlanError) as info:
        match(desired, live_state(agents=[agent(A, "Ops")]))
    assert not isinstance(info.value, AmbiguousIdentityError)
    assert f"no live Assignment has the id {C}" in info.value.render()


def test_previous_names_turn_a_create_into_a_rename(tmp_path: Path) -> None:
    text = assignment("Invoice triage", meta=", previous_names: [Invoice bot, Invoices]")
    desired = desired_from(write(tmp_path, {"a.yaml": text}))
    matches = match(desired, live_state(agents=[agent(A, "Invoices"), agent(B, "Unrelated")]))
    found = matches.get("Assignment/Invoice triage")
    assert found is not None
    assert (found.live_id, found.how) == (A, "previous_name")


def test_a_live_previous_name_is_the_rename_even_when_the_new_name_is_live(
    tmp_path: Path,
) -> None:
    # The manifest describes the object it renames, not a colleague's object that has the new
    # name; the rename onto that live name is then refused by the safety rails.
    text = assignment("Invoice triage", meta=", previous_names: [Invoice bot]")
    desired = desired_from(write(tmp_path, {"a.yaml": text}))
    live = live_state(agents=[agent(A, "Invoice bot"), agent(B, "Invoice triage")])
    matches = match(desired, live)
    found = matches.get("Assignment/Invoice triage")
    assert found is not None
    assert (found.live_id, found.how) == (A, "previous_name")
    assert [a.id for a in matches.unmanaged_agents] == [B]


def test_an_ambiguous_previous_name_is_an_error(tmp_path: Path) -> None:
    text = assignment("New", meta=", previous_names: [Old]")
    desired = desired_from(write(tmp_path, {"a.yaml": text}))
    with pytest.raises(AmbiguousIdentityError, match='have the previous name "Old"'):
        match(desired, live_state(agents=[agent(A, "Old"), agent(B, "Old")]))


def test_nothing_live_means_a_create(tmp_path: Path) -> None:
    desired = desired_from(write(tmp_path, {"a.yaml": assignment("New")}))
    found = match(desired, live_state()).get("Assignment/New")
    assert found is not None
    assert (found.live_id, found.how) == (None, "none")


def test_connections_match_by_name(tmp_path: Path) -> None:
    text = (
        "apiVersion: duvoform/v1\nkind: Connection\nmetadata: {name: ERP}\n"
        "spec: {type: custom_mcp, server_url: 'https://erp.example.com'}\n"
    )
    desired = desired_from(write(tmp_path, {"c.yaml": text}))
    matches = match(desired, live_state(connections=[connection(A, "ERP"), connection(B, "X")]))
    assert matches.live_id("Connection/ERP") == A
    assert [c.id for c in matches.unmanaged_connections] == [B]


# -- folders -------------------------------------------------------------------------------


def test_folders_match_by_path_not_by_name(tmp_path: Path) -> None:
    text = folders(("Finance", None, ""), ("Reports", "Finance", ""), ("Ops", None, ""))
    text += "---\n" + folders(("Reports", "Ops", ""))
    desired = desired_from(write(tmp_path, {"f.yaml": text}))
    live = live_state(folders=[folder(A, "Ops"), folder(B, "Reports", A), folder(C, "Finance")])
    matches = match(desired, live)
    assert matches.live_id("Folder/Ops/Reports") == B
    assert matches.live_id("Folder/Finance") == C
    # Ops/Reports is claimed by its exact path, so Finance/Reports is a create, not a steal.
    assert matches.live_id("Folder/Finance/Reports") is None


def test_a_child_follows_its_renamed_parent(tmp_path: Path) -> None:
    text = folders(("Finance", None, ", previous_names: [Fin]"), ("AP", "Finance", ""))
    desired = desired_from(write(tmp_path, {"f.yaml": text}))
    matches = match(desired, live_state(folders=[folder(A, "Fin"), folder(B, "AP", A)]))
    assert matches.live_id("Folder/Finance") == A
    found = matches.get("Folder/Finance/AP")
    assert found is not None
    assert (found.live_id, found.how) == (B, "path")


def test_a_uniquely_named_folder_elsewhere_is_re_parented(tmp_path: Path) -> None:
    text = folders(("Ops", None, ""), ("Reports", "Ops", ""))
    desired = desired_from(write(tmp_path, {"f.yaml": text}))
    live = live_state(folders=[folder(A, "Ops"), folder(C, "Finance"), folder(B, "Reports", C)])
    found = match(desired, live).get("Folder/Ops/Reports")
    assert found is not None
    assert (found.live_id, found.how) == (B, "moved")


def test_a_previous_name_under_the_desired_parent_is_a_rename(tmp_path: Path) -> None:
    text = folders(("Finance", None, ""), ("Month-end", "Finance", ", previous_names: [Close]"))
    desired = desired_from(write(tmp_path, {"f.yaml": text}))
    live = live_state(folders=[folder(A, "Finance"), folder(B, "Close", A), folder(C, "Close")])
    found = match(desired, live).get("Folder/Finance/Month-end")
    assert found is not None
    assert (found.live_id, found.how) == (B, "previous_name")


def test_two_live_folders_at_one_path_is_an_error(tmp_path: Path) -> None:
    desired = desired_from(write(tmp_path, {"f.yaml": folders(("Finance", None, ""))}))
    with pytest.raises(AmbiguousIdentityError, match='are at the path "Finance"'):
        match(desired, live_state(folders=[folder(A, "Finance"), folder(B, "Finance")]))


def test_an_absent_folder_is_never_looked_for_elsewhere(tmp_path: Path) -> None:
    text = (
        "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Sandbox}\nspec: {ensure: absent}\n"
    )
    desired = desired_from(write(tmp_path, {"f.yaml": text}))
    live = live_state(folders=[folder(A, "Team"), folder(B, "Sandbox", A)])
    assert match(desired, live).live_id("Folder/Sandbox") is None


def test_a_pinned_folder_is_matched_wherever_it_is(tmp_path: Path) -> None:
    text = folders(("Finance", None, f", id: {B}"))
    desired = desired_from(write(tmp_path, {"f.yaml": text}))
    live = live_state(folders=[folder(A, "Finance"), folder(B, "Old name", A)])
    matches = match(desired, live)
    assert matches.live_id("Folder/Finance") == B
    assert [f.id for f in matches.unmanaged_folders] == [A]
