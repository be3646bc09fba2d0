"""``plan_import`` on hand-made live state: names, skips and what they take with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duvoform.api.models import Agent, Connection, FolderListItem
from duvoform.engine.live import FolderTree, LiveState
from duvoform.errors import UsageError
from duvoform.importer import ImportOptions, ImportSource, plan_import, select_folders, write_import
from duvoform.manifest import load_manifests
from tests.importer.helpers import v2

FIN, AP, BAD, UNDER_BAD = (f"00000000-0000-4000-8000-00000000010{i}" for i in range(4))


def agent(ident: str, name: str, folder: str | None = None, **config: Any) -> Agent:
    build = {"id": f"b-{ident}", "name": "web", "status": "live", "config": v2(**config)}
    return Agent.model_validate(
        {"id": ident, "name": name, "folder_id": folder, "latest_build": build}
    )


def source(agents: list[Agent], connections: list[Connection] | None = None) -> ImportSource:
    folders = FolderTree(
        [
            FolderListItem(id=FIN, name="Finance"),
            FolderListItem(id=AP, name="Accounts Payable", parent_folder_id=FIN),
            FolderListItem(id=BAD, name="A/B"),
            FolderListItem(id=UNDER_BAD, name="Child", parent_folder_id=BAD),
        ]
    )
    return ImportSource(
        LiveState(folders=folders, agents=tuple(agents), connections=tuple(connections or ()))
    )


def ids(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def test_what_cannot_be_imported_is_reported_with_what_it_takes_along() -> None:
    agents = [
        agent(ids(1), "Kept", AP, subAgents=[ids(2), ids(4)]),
        agent(ids(2), "Twice"),
        agent(ids(3), "Twice"),
        agent(ids(4), "Empty SOP", sop=""),
        agent(ids(5), "In a bad folder", UNDER_BAD),
    ]
    result = plan_import(source(agents), ImportOptions())
    reasons = {s.address: s.reason for s in result.skipped}
    assert set(reasons) == {
        "Folder/A/B",
        "Folder/A/B/Child",
        "Assignment/Twice",
        "Assignment/Empty SOP",
        "Assignment/In a bad folder",
    }
    assert "'/'" in reasons["Folder/A/B"]
    assert reasons["Folder/A/B/Child"] == "its parent was not imported"
    assert reasons["Assignment/In a bad folder"] == 'its folder "A/B/Child" was not imported'
    assert f"only the oldest, {ids(2)}, was imported" in reasons["Assignment/Twice"]
    kept = {d.name: d for d in result.documents}
    assert kept["Twice"].data["metadata"]["id"] == ids(2)  # pinned: the name is shared live
    # the sub-agent that was skipped is left out, with a note
    assert kept["Kept"].data["spec"]["build"]["sub_agents"] == ["Twice"]
    assert any(ids(4) in note for note in result.notes)


def test_the_written_files_validate(tmp_path: Path) -> None:
    agents = [agent(ids(1), "Kept", AP, subAgents=[ids(2)]), agent(ids(2), "Helper", FIN)]
    result = plan_import(source(agents), ImportOptions())
    write_import(result, tmp_path)
    (tmp_path / ".git").mkdir()
    manifests = load_manifests([tmp_path])
    assert sorted(r.name for r in manifests.resources) == [
        "Accounts Payable",
        "Finance",
        "Helper",
        "Kept",
    ]


def test_folder_selection_keeps_the_ancestors_for_references() -> None:
    tree = source([]).live.folders
    assert select_folders(tree, ["Finance"]) == {FIN, AP}
    assert select_folders(tree, ["Finance/Accounts Payable"]) == {AP}
    assert select_folders(tree, [AP]) == {AP}
    with pytest.raises(UsageError, match='did you mean "Finance"'):
        select_folders(tree, ["Finanse"])
    result = plan_import(
        source([agent(ids(1), "In AP", AP), agent(ids(2), "At the root")]),
        ImportOptions(folders=("Accounts Payable",)),
    )
    assert sorted(d.address for d in result.documents) == [
        "Assignment/In AP",
        "Folder/Finance",
        "Folder/Finance/Accounts Payable",
    ]


def test_write_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    result = plan_import(source([agent(ids(1), "A"), agent(ids(2), "B")]), ImportOptions())
    (tmp_path / "assignments").mkdir()
    (tmp_path / "assignments" / "b.yaml").write_text("mine\n")
    with pytest.raises(UsageError, match="1 file already exist"):
        write_import(result, tmp_path)
    assert not (tmp_path / "assignments" / "a.yaml").exists()
    assert (tmp_path / "assignments" / "b.yaml").read_text() == "mine\n"
    written = write_import(result, tmp_path, force=True)
    assert tmp_path / "assignments" / "b.yaml" in written
