"""The state directory ``.duvoform/`` is made with a ``.gitignore``, so a repository where
duvoform ran has nothing new to commit."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke, write_team


def untracked(root: Path) -> list[str]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    return sorted(line[3:] for line in status.stdout.splitlines())


def test_apply_and_show_leave_nothing_to_commit(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    manifests = write_team(tmp_path)
    before = untracked(tmp_path)
    applied = invoke(emulator, "apply", "--auto-approve", str(manifests))
    assert applied.exit_code == 0, applied.output
    shown = invoke(emulator, "show", "Assignment/Escalations")
    assert shown.exit_code == 0, shown.output
    assert any((tmp_path / ".duvoform" / "journal").iterdir())
    assert (tmp_path / ".duvoform" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert untracked(tmp_path) == before


def test_the_embedded_emulator_state_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".duvoform").mkdir()
    (tmp_path / ".duvoform" / ".gitignore").write_text("emulator.sqlite3\n")  # the user's own
    manifests = write_team(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["--api-url", "local", "plan", str(manifests)],
        env={"NO_COLOR": "1", "DUVO_API_KEY": ""},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".duvoform" / ".gitignore").read_text() == "emulator.sqlite3\n"
    assert (tmp_path / ".duvoform" / "emulator.sqlite3").exists()
