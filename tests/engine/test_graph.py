from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.engine.graph import DesiredState
from duvoform.errors import ManifestError
from duvoform.kinds import Assignment, Connection, Folder
from duvoform.manifest import load_manifests
from tests.manifest.helpers import assignment, connection, docs, folder, make_project

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"


def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *documents: str) -> DesiredState:
    make_project(tmp_path, {"m.yaml": docs(*documents)})
    monkeypatch.chdir(tmp_path)
    return DesiredState.build(load_manifests([Path(".")]))


def problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *documents: str) -> list[str]:
    with pytest.raises(ManifestError) as exc:
        build(tmp_path, monkeypatch, *documents)
    return [p.render() for p in exc.value.problems]


def test_examples_resolve() -> None:
    state = DesiredState.build(load_manifests([EXAMPLES]))
    triage = state.get("Assignment", "Invoice triage")
    assert isinstance(triage, Assignment)
    assert [(r.reference.role, state.address(r.target)) for r in state.references_of(triage)] == [
        ("folder", "Folder/Finance/Accounts Payable"),
        ("sub_agent", "Assignment/Vendor lookup"),
        ("handover", "Assignment/AP escalations"),
        ("connection", "Connection/AP inbox"),
        ("connection", "Connection/ERP tools"),
    ]
    assert [state.identity(f) for f in state.folders_in_parent_order()] == [
        "Finance",
        "Operations",
        "Sandbox",
        "Finance/Accounts Payable",
        "Finance/Month-end",
        "Finance/Reports",
        "Operations/Customer Success",
        "Operations/Reports",
    ]


def test_folders_are_identified_by_path_and_referenced_by_name_or_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = build(
        tmp_path,
        monkeypatch,
        folder("Reports", "Finance"),  # children may come before their parents
        folder("Finance"),
        folder("Ops"),
        folder("Reports", "Ops"),
        folder("Weekly", "Ops/Reports"),
        assignment("A", spec="  folder: Finance/Reports\n"),
        assignment("B", spec="  folder: Weekly\n"),
        assignment("C"),
    )
    weekly = state.get("Folder", "Ops/Reports/Weekly")
    assert isinstance(weekly, Folder)
    assert state.folder_path(weekly) == ("Ops", "Reports", "Weekly")
    assert state.get("Folder", "Weekly") is weekly  # a unique name works too
    assert state.get("Folder", "Reports") is None  # ambiguous: two folders
    parent = state.parent_of(weekly)
    assert parent is not None
    assert state.identity(parent) == "Ops/Reports"
    a, b, c = (state.get("Assignment", n) for n in "ABC")
    assert a is not None
    assert b is not None
    assert c is not None
    assert state.identity(state.folder_of(a)) == "Finance/Reports"  # type: ignore[arg-type]
    assert state.folder_of(b) is weekly
    assert state.folder_of(c) is None
    assert [state.identity(f) for f in state.folders_in_parent_order()] == [
        "Finance",
        "Ops",
        "Finance/Reports",
        "Ops/Reports",
        "Ops/Reports/Weekly",
    ]


def test_assignment_cycles_are_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = build(
        tmp_path,
        monkeypatch,
        assignment("A", build="    model: m\n    sop: x\n    sub_agents: [B]\n"),
        assignment(
            "B", build="    model: m\n    sop: x\n    handover_to: [A]\n    connections: [C]\n"
        ),
        connection("C", "  oauth: {flow: native, provider: gmail}\n"),
    )
    b = state.get("Assignment", "B")
    assert b is not None
    deps = state.dependencies_of(b)
    assert [state.address(d) for d in deps] == ["Assignment/A", "Connection/C"]
    conn = state.get("Connection", "C")
    assert isinstance(conn, Connection)
    assert state.references_of(conn) == ()


def test_unknown_and_ambiguous_references_say_what_to_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert problems(
        tmp_path,
        monkeypatch,
        folder("Finance"),
        folder("Ops"),
        folder("Reports", "Finance"),
        folder("Reports", "Ops"),
        folder("Sub", "Reports"),
        assignment(
            "A",
            spec="  folder: Finance/Reprts\n",
            build="    model: m\n    sop: x\n    sub_agents: [a]\n    connections: [Nope]\n",
        ),
    ) == [
        'm.yaml:22:16: Folder "Sub": spec.parent: folder name "Reports" is ambiguous; write its '
        'path: "Finance/Reports", "Ops/Reports"',
        'm.yaml:29:11: Assignment "A": spec.folder: no Folder "Finance/Reprts"; did you mean '
        '"Finance/Reports"?',
        'm.yaml:33:18: Assignment "A": spec.build.sub_agents[0]: no Assignment named "a"; did you '
        'mean "A"?',
        'm.yaml:34:19: Assignment "A": spec.build.connections[0]: no Connection named "Nope"',
    ]


def test_duplicates_cycles_and_deletions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert problems(
        tmp_path,
        monkeypatch,
        folder("X", "Z"),
        folder("Y", "X"),
        folder("Z", "Y"),
        folder("Gone", extra="spec: {ensure: absent}\n"),
        folder("Child", "Gone"),
        folder("Same"),
        folder("Same"),
    ) == [
        'm.yaml:4:16: Folder "X": spec.parent: folder parents form a cycle: '
        '"X" -> "Z" -> "Y" -> "X"',
        'm.yaml:24:16: Folder "Child": spec.parent: Folder "Gone" is marked \'ensure: absent\' '
        "(at m.yaml:16:1), so nothing can refer to it",
        'm.yaml:32:18: Folder "Same": metadata.name: Folder "Same" is declared twice '
        "(first at m.yaml:26:1)",
    ]


def test_previous_names_and_pinned_ids_must_be_unambiguous(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin = "  id: 3c90c3cc-0d44-4b50-8888-8dd25736052a\n"
    assert problems(
        tmp_path,
        monkeypatch,
        assignment("A", metadata="  previous_names: [Old]\n" + pin),
        assignment("B", metadata="  previous_names: [Old, B]\n" + pin),
    ) == [
        'm.yaml:16:20: Assignment "B": metadata.previous_names[0]: "Old" is also a previous name '
        'of Assignment "A" (at m.yaml:1:1)',
        'm.yaml:16:25: Assignment "B": metadata.previous_names[1]: "B" is this resource\'s own '
        "name",
        'm.yaml:17:7: Assignment "B": metadata.id: the same id is pinned by Assignment "A" '
        "(at m.yaml:1:1)",
    ]


def test_folder_previous_names_are_compared_among_siblings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = build(
        tmp_path,
        monkeypatch,
        folder("A"),
        folder("B"),
        folder("Reports", "A"),
        folder("Reports2", "B", extra="").replace(
            "metadata: {name: Reports2}", "metadata: {name: Reports2, previous_names: [Reports]}"
        ),
    )
    assert len(state.of_kind("Folder")) == 4
