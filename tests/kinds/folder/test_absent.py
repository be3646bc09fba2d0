"""``ensure: absent`` for something that does not exist says so in the plan, and names live
folders with that name at other paths (through the CLI, against the emulator)."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke
from tests.engine.safety.helpers import absent_doc, docs, uid


def test_absent_on_the_wrong_path_names_the_live_folder_elsewhere(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    platform = uid("folder:Platform")
    emulator.seed(
        {
            "folders": [
                {"id": platform, "name": "Platform", "parent": None},
                {"id": uid("folder:Platform/Sandbox"), "name": "Sandbox", "parent": platform},
            ]
        }
    )
    (tmp_path / "m.yaml").write_text(
        docs(absent_doc("Folder", "Sandbox"), absent_doc("Connection", "Old CRM"))
    )
    result = invoke(emulator, "plan", "--detailed-exitcode", "m.yaml")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert (
        'Folder/Sandbox: ensure: absent, and no live folder is at "Sandbox"; nothing to delete. '
        'Live folders named "Sandbox" elsewhere: "Platform/Sandbox"'
    ) in text
    assert (
        'Connection/Old CRM: ensure: absent, and no live connection is called "Old CRM"; '
        "nothing to delete"
    ) in text
    assert emulator.stats()["writes"] == 0
