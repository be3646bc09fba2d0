"""Through the CLI: a missing environment var file is an error at its line in duvoform.yaml;
an unused ``--var`` and an agent model known only as a browsing model are warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke

PROJECT = """\
vars: {region: eu}
environments:
  prod:
    var_files: [prod-vars.yaml]
"""

FOLDER = """\
apiVersion: duvoform/v1
kind: Folder
metadata: {name: "Ops {{ vars.region }}"}
spec: {}
"""

HAIKU = """\
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Quick}
spec:
  build: {model: claude-haiku-4-5, sop: Do the work.}
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "duvoform.yaml").write_text(PROJECT)
    (tmp_path / "f.yaml").write_text(FOLDER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_missing_environment_var_file_is_an_error_at_its_line(
    emulator: EmulatorControl, root: Path, command: str
) -> None:
    result = invoke(emulator, command, "--env", "prod", ".")
    assert result.exit_code == 1
    assert (
        'duvoform.yaml:4:17: environments.prod.var_files[0]: var file "prod-vars.yaml" does '
        "not exist"
    ) in result.stderr


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_an_unused_var_is_a_warning_with_a_suggestion(
    emulator: EmulatorControl, root: Path, command: str
) -> None:
    result = invoke(emulator, command, "--var", "regin=us", "--var", "region=us", ".")
    assert result.exit_code == 0, result.output
    assert 'warning: --var "regin": no template reads vars.regin; did you mean "region"?' in (
        result.stderr
    )
    assert '"region"' not in result.stderr.replace('did you mean "region"', "")


def test_an_agent_model_known_only_for_browsing_is_a_warning(
    emulator: EmulatorControl, root: Path
) -> None:
    (root / "a.yaml").write_text(HAIKU)
    result = invoke(emulator, "plan", ".")
    assert result.exit_code == 0, result.output
    assert (
        'a.yaml:5:18: Assignment "Quick": spec.build.model: "claude-haiku-4-5" is a browsing model'
    ) in result.stderr
