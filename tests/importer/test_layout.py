from __future__ import annotations

from pathlib import PurePosixPath

from duvoform.importer.layout import layout, sop_to_file
from duvoform.kinds.document import Document


def assignment(name: str, sop: str, ident: str = "x") -> Document:
    data = {
        "apiVersion": "duvoform/v1",
        "kind": "Assignment",
        "metadata": {"name": name},
        "spec": {"build": {"model": "m", "sop": sop, "skills": ["a"]}},
    }
    return Document("Assignment", name, ident, data)


def folder(name: str, ident: str) -> Document:
    data = {"apiVersion": "duvoform/v1", "kind": "Folder", "metadata": {"name": name}, "spec": {}}
    return Document("Folder", name, ident, data)


def test_the_sop_moves_to_a_file_in_its_place() -> None:
    moved, text = sop_to_file(assignment("A", "Do it.\r\n\n"), PurePosixPath("sops/a.md"))
    assert text == "Do it.\n"
    assert list(moved.data["spec"]["build"]) == ["model", "sop_file", "skills"]
    assert moved.data["spec"]["build"]["sop_file"] == "../sops/a.md"


def test_sops_a_file_cannot_carry_stay_inline() -> None:
    for sop in ("\ufeffStarts with a byte order mark", "  \n\t"):
        document = assignment("A", sop)
        assert sop_to_file(document, PurePosixPath("sops/a.md")) == (document, None)


def test_files_per_subtree_assignment_and_connection_with_unique_names() -> None:
    files = layout(
        [[folder("Finance", "f1"), folder("Reports", "f2")], [folder("finance", "f3")]],
        [assignment("Triage", "one", "a2"), assignment("triage", "two", "a1")],
        [],
    )
    paths = [f.path.as_posix() for f in files]
    assert paths == [
        "folders/finance.yaml",
        "folders/finance-2.yaml",
        "assignments/triage.yaml",
        "sops/triage.md",
        "assignments/triage-2.yaml",
        "sops/triage-2.md",
    ]
    assert files[0].text.count("kind: Folder") == 2
    assert "sop_file: ../sops/triage-2.md" in files[4].text
    assert [f.is_sop for f in files] == [False, False, False, True, False, True]
