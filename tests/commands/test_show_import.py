"""``show --format yaml`` writes, for every object, the document ``import`` writes for it (issue
16, item 7): the two share one mapping per kind, fed the same facts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from duvoform.emulator import EmulatorControl
from duvoform.manifest.parse import parse_documents
from tests.importer.team import invoke, seed_team

ROUTER = """\
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Router}
spec:
  build: {model: claude-sonnet-4-6, sop: Route it., handover_to: [Desk]}
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Desk}
spec:
  build: {model: claude-sonnet-4-6, sop: Take it over.}
"""


def _imported(out: Path) -> list[tuple[dict[str, Any], Path]]:
    found = []
    for path in sorted(out.rglob("*.yaml")):
        if path.name == "duvoform.yaml":
            continue
        for document in parse_documents(path.read_text(), str(path)).documents:
            found.append((document.data, path))
    return found


def _folder_paths(emulator: EmulatorControl) -> list[tuple[str, ...]]:
    rows = {row["id"]: row for row in emulator.state()["folders"]}

    def path(ident: str | None) -> tuple[str, ...]:
        return (
            () if ident is None else (*path(rows[ident]["parent_folder_id"]), rows[ident]["name"])
        )

    return [path(ident) for ident in rows]


def _address(data: dict[str, Any], paths: list[tuple[str, ...]]) -> str:
    metadata = data["metadata"]
    if "id" in metadata:
        return f"{data['kind']}/{metadata['id']}"
    if data["kind"] == "Folder":
        parent = (data.get("spec") or {}).get("parent")
        (path,) = [
            p
            for p in paths
            if p[-1] == metadata["name"]
            and ((parent is None and len(p) == 1) or (len(p) > 1 and parent.endswith(p[-2])))
        ]
        return "Folder/" + "/".join(path)
    return f"{data['kind']}/{metadata['name']}"


def _inline_sop(data: dict[str, Any], path: Path) -> dict[str, Any]:
    build = (data.get("spec") or {}).get("build")
    if isinstance(build, dict) and "sop_file" in build:
        sop = (path.parent / build.pop("sop_file")).read_text()
        build["sop"] = sop
    if isinstance(build, dict):
        build["sop"] = build["sop"].rstrip("\n")  # a file ends with a line break
    return data


def test_show_yaml_of_every_object_is_the_document_import_writes(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    seed_team(emulator)
    (tmp_path / "router.yaml").write_text(ROUTER)
    applied = invoke(emulator, "apply", "--auto-approve", "router.yaml")
    assert applied.exit_code == 0, applied.output
    (tmp_path / "router.yaml").unlink()
    assert invoke(emulator, "import", "--out", "out").exit_code == 0
    imported = _imported(tmp_path / "out")
    assert len(imported) > 15
    router = next(d for d, _ in imported if d["metadata"]["name"] == "Router")
    assert router["spec"]["build"]["handover_to"] == ["Desk"]
    paths = _folder_paths(emulator)
    # A fresh machine: show knows only what it reads itself.
    shutil.rmtree(tmp_path / ".duvoform")
    differ = []
    for written, path in imported:
        address = _address(written, paths)
        shown = invoke(emulator, "show", "--format", "yaml", address)
        assert shown.exit_code == 0, (address, shown.output)
        (document,) = parse_documents(shown.stdout, "shown").documents
        if _inline_sop(written, path) != _inline_sop(document.data, path):
            differ.append((address, written, document.data))
    assert differ == []
