"""Output contracts every command keeps (DESIGN §12): ``--format json`` is one JSON document on
stdout and nothing else, whatever else is going on (warnings, probe findings, ``-vvv`` logs, a
saved plan); and output that is not a terminal never holds an ANSI escape sequence.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.commands.helpers import write_root

MORE = [
    """\
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Typo}
spec:
  build: {model: claude-sonet-4-6, sop: Do the work.}
""",
    """\
apiVersion: duvoform/v1
kind: Connection
metadata: {name: Bank}
spec:
  type: custom_mcp
  server_url: https://mcp.example.com/bank
  headers: {secret: {Authorization: {env: BANK_TOKEN}}}
""",
]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    project = "apiVersion: duvoform/v1\nprobe: {allowed_hosts: [mcp.example.com]}\n"
    return write_root(tmp_path, *MORE, project=project)


def test_plan_json_is_one_document_with_warnings_findings_logs_and_a_saved_plan(
    emulator: EmulatorControl, work: Path
) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DUVO_API_URL": emulator.base_url,
        "DUVO_API_KEY": emulator.api_key,
        "BANK_TOKEN": "Bearer token bad",  # the emulator's probe rejects it: a finding
    }
    args = ["-vvv", "plan", "m", "--format", "json", "--probe", "--out", "plan.json"]
    process = subprocess.run(
        [sys.executable, "-m", "duvoform", *args, "--detailed-exitcode"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=60,
        check=False,
    )
    assert process.returncode == 2, process.stderr
    document = json.loads(process.stdout)  # the whole of stdout is one document
    assert document["summary"]["create"] == 4
    assert any(
        "the MCP probe of https://mcp.example.com/bank failed" in w for w in document["warnings"]
    )
    assert "warning: m/team.yaml" in process.stderr  # the model near-miss
    assert "DEBUG duvoform.api" in process.stderr
    assert "Saved the plan to plan.json" in process.stderr
    assert (work / "plan.json").is_file()


COMMANDS = [
    ["validate", "m"],
    ["validate", "nowhere"],
    ["schema"],
    ["--api-url", "local", "plan", "m"],
    ["--api-url", "local", "plan", "m", "--format", "markdown"],
    ["--api-url", "local", "plan", "m", "--target", "Nope/x"],
    ["--api-url", "local", "apply", "m", "--auto-approve"],
    ["--api-url", "local", "apply", "m", "--auto-approve", "--format", "json"],
    ["--api-url", "local", "show", "Folder/Finance"],
    ["--api-url", "local", "show", "Assignment/Cash report", "m"],
    ["--api-url", "local", "show", "Assignment/Cash reprt"],
    ["--api-url", "local", "show", "Connection/Bank", "--format", "yaml"],
    ["--api-url", "local", "import", "--out", "imported"],
    ["--api-url", "local", "connect", "Inbox", "m"],
    ["--api-url", "local", "connect", "Bank", "m"],
    ["emulator", "--rate-limit", "lots"],
]


def test_output_that_is_not_a_terminal_has_no_escape_sequences(work: Path) -> None:
    runner = CliRunner()
    env = {"BANK_TOKEN": "t", "NO_COLOR": None, "DUVO_API_URL": None, "DUVO_API_KEY": None}
    for args in COMMANDS:
        result = runner.invoke(cli, args, env=env, catch_exceptions=False)
        assert "\x1b" not in result.stdout, args
        assert "\x1b" not in result.stderr, args
        assert "Traceback" not in result.output, args
