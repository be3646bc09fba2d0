"""``duvoform graph`` through the real CLI: offline, and with ``--plan`` against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.commands.helpers import write_root
from tests.render.pictures import EXAMPLES

HOSTILE = """\
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: 'end "quoted" <b>x</b> [y]'}
spec:
  folder: Finance
  build:
    model: claude-sonnet-4-6
    sop: Hand over.
    handover_to: [Cash report]
    connections: [Inbox]
"""


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    base: dict[str, str | None] = {"DUVO_API_KEY": None, "DUVO_API_URL": None, "NO_COLOR": None}
    return CliRunner().invoke(cli, list(args), env=base | (env or {}), catch_exceptions=False)


def test_offline_mermaid_of_the_example_team() -> None:
    result = run("graph", str(EXAMPLES), "--env", "production")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("flowchart LR\n")
    assert '  subgraph g1["Finance"]\n' in result.stdout
    assert '      n6("Invoice triage")\n' in result.stdout
    assert '  n1[("Snowflake finance")]\n' in result.stdout
    assert "  n6 --> n7\n  n6 ==> n8\n  n6 -.-> n3\n" in result.stdout
    assert 'subgraph legend["Legend"]' in result.stdout
    assert "classDef" not in result.stdout  # nothing is marked without --plan


def test_offline_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(write_root(tmp_path, HOSTILE) / "m")
    result = run("graph", "--format", "dot")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("digraph duvoform {\n")
    assert 'label="end \\"quoted\\" <b>x</b> [y]"' in result.stdout
    assert "n3 -> n1 [style=bold" in result.stdout
    assert result.stdout.endswith("}\n")


def test_a_manifest_error_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(write_root(tmp_path, HOSTILE.replace("[Cash report]", "[Cash reprot]")))
    result = run("graph", "m")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "m/team.yaml:" in result.stderr
    assert 'no Assignment named "Cash reprot"' in result.stderr
    assert "did you mean" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_marks_each_object_by_its_action(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write_root(tmp_path, HOSTILE))
    env: dict[str, str | None] = {"DUVO_API_KEY": emulator.api_key}
    result = run("--api-url", emulator.base_url, "graph", "m", "--plan", env=env)
    assert result.exit_code == 0, result.output
    assert '  subgraph g1["+ Finance"]\n' in result.stdout
    assert '    n1("+ Cash report")\n' in result.stdout
    assert '  n2[("! Inbox")]\n' in result.stdout
    assert "  class n1,n3 create\n" in result.stdout
    assert "  class n2 authorize\n" in result.stdout
    assert "unchanged" not in result.stdout


def test_plan_needs_the_api_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(write_root(tmp_path))
    result = run("graph", "m", "--plan")
    assert result.exit_code == 2
    assert "DUVO_API_KEY" in result.stderr


def test_the_markdown_plan_carries_the_picture(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write_root(tmp_path, HOSTILE))
    env: dict[str, str | None] = {"DUVO_API_KEY": emulator.api_key}
    result = run("--api-url", emulator.base_url, "plan", "m", "--format", "markdown", env=env)
    assert result.exit_code == 0, result.output
    assert "\n### Picture\n\n```mermaid\nflowchart LR\n" in result.stdout
    assert '    n1("+ Cash report")\n' in result.stdout
