"""``import --out .`` writes a ``duvoform.yaml`` (unless one exists), so that ``plan`` with no
PATH works in that directory, against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from duvoform.importer.project import PROJECT_TEXT
from tests.e2e.helpers import invoke
from tests.engine.safety.helpers import seed_agent


@pytest.fixture
def repo(emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    emulator.seed({"agents": [seed_agent("Deal desk")]})
    return tmp_path


def test_import_into_the_current_directory_then_plan_with_no_path(
    emulator: EmulatorControl, repo: Path
) -> None:
    imported = invoke(emulator, "import", "--out", ".")
    assert imported.exit_code == 0, imported.output
    assert (repo / "duvoform.yaml").read_text() == PROJECT_TEXT
    planned = invoke(emulator, "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_an_existing_duvoform_yaml_is_kept(emulator: EmulatorControl, repo: Path) -> None:
    (repo / "duvoform.yaml").write_text("vars: {team: sales}\n")
    imported = invoke(emulator, "import", "--out", ".")
    assert imported.exit_code == 0, imported.output
    assert (repo / "duvoform.yaml").read_text() == "vars: {team: sales}\n"
