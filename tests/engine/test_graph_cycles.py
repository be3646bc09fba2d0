"""A folder parent cycle with folders and assignments below it is one clear error, for
validate and plan (against the emulator), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke

CYCLE = """\
apiVersion: duvoform/v1
kind: Folder
metadata: {name: A}
spec: {parent: B}
---
apiVersion: duvoform/v1
kind: Folder
metadata: {name: B}
spec: {parent: A}
---
apiVersion: duvoform/v1
kind: Folder
metadata: {name: C}
spec: {parent: A}
---
apiVersion: duvoform/v1
kind: Folder
metadata: {name: D}
spec: {parent: C}
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: X}
spec: {folder: D, build: {model: claude-sonnet-4-6, sop: Do the work.}}
"""


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_parent_cycle_with_children_is_an_error_at_its_line(
    emulator: EmulatorControl, tmp_path: Path, command: str
) -> None:
    (tmp_path / "f.yaml").write_text(CYCLE)
    result = invoke(emulator, command, str(tmp_path))
    assert result.exit_code == 1
    assert (
        f'{tmp_path / "f.yaml"}:4:16: Folder "A": spec.parent: folder parents form a cycle: '
        '"A" -> "B" -> "A"'
    ) in result.output
    assert "Traceback" not in result.output
