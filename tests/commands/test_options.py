"""Shared manifest options: which manifests a command reads when no PATH is given."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli

FOLDER = "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Finance}\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    # YAML that is not a manifest, as a repository holds (CI workflows).
    (tmp_path / "ci.yml").write_text("on: push\njobs: {}\n")
    manifests = tmp_path / "duvo"
    (manifests / "sub").mkdir(parents=True)
    (manifests / "duvoform.yaml").write_text("vars: {}\n")
    (manifests / "folders.yaml").write_text(FOLDER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_without_paths_and_without_a_project_file_nothing_is_read(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "no PATH given, and no duvoform.yaml" in result.stderr
    assert "ci.yml" not in result.output


def test_without_paths_the_nearest_project_root_above_is_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "duvo" / "sub")
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert "1 resource" in result.output


def test_an_explicit_path_is_read_as_given(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "duvo"])
    assert result.exit_code == 0, result.output
