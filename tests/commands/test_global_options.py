"""The group's options also work after the command name, as Terraform users type them
(``duvoform plan --no-color -v``, ``duvoform apply --api-url local``); given there, they win."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from tests.commands.helpers import write_root


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_root(tmp_path)


def _run(*args: str) -> Result:
    env = {"DUVO_API_URL": None, "DUVO_API_KEY": None, "NO_COLOR": None}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_api_url_verbose_and_no_color_after_the_command(work: Path) -> None:
    planned = _run("plan", "m", "--api-url", "local", "--no-color", "-vv", "--format", "json")
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.stdout)["summary"]["create"] == 2
    assert "DEBUG duvoform.api" in planned.stderr
    applied = _run("apply", "m", "--auto-approve", "--api-url", "local")
    assert applied.exit_code == 0, applied.output
    assert (work / ".duvoform" / "emulator.sqlite3").is_file()
    shown = _run("show", "Folder/Finance", "--api-url", "local", "-v")
    assert shown.exit_code == 0, shown.output
    assert "show: 2 API requests" in shown.stderr  # -v after the command counts


def test_after_the_command_wins_over_before_it(work: Path) -> None:
    result = _run("--api-url", "garbage", "plan", "m", "--api-url", "local")
    assert result.exit_code == 0, result.output
    refused = _run("--api-url", "local", "plan", "m", "--api-url", "garbage")
    assert refused.exit_code == 2
    assert '"garbage" is not an http(s) URL' in refused.stderr


@pytest.mark.parametrize("args", [["validate", "m", "-v", "--no-color"], ["schema", "--no-color"]])
def test_commands_without_an_api_take_the_output_options(work: Path, args: list[str]) -> None:
    result = _run(*args)
    assert result.exit_code == 0, result.output
