"""A YAML syntax error late in a file leaves the problems of the documents before it at their
own lines (validate and plan, through the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke

TEXT = """\
apiVersion: duvoform/v1
kind: Folder
metadata: {name: A}
spec: {nosuch: 1}
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: X}
spec:
  build: {model: claude-sonnet-4-6, sop: Do the work., bogus: 2}
---
apiVersion: duvoform/v1
kind: Folder
metadata: {name: [unclosed
"""


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_problems_before_a_syntax_error_keep_their_positions(
    emulator: EmulatorControl, tmp_path: Path, command: str
) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(TEXT)
    result = invoke(emulator, command, str(tmp_path))
    assert result.exit_code == 1
    assert f'{path}:4:8: Folder "A": spec.nosuch: unknown field' in result.output
    assert f'{path}:10:56: Assignment "X": spec.build.bogus: unknown field' in result.output
    assert f"{path}:15:1: YAML syntax error" in result.output
    assert f"{path}:1:1:" not in result.output
