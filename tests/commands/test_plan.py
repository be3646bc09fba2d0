"""``duvoform plan`` through the real CLI against the emulator over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from duvoform.engine.planfile import read_plan_file
from tests.engine.helpers import converged_seed, desired_from, write
from tests.helpers import seeded_agent
from tests.render.test_plan_json import CHANGE_KEYS

FILES = {
    "folders.yaml": "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Finance}\n",
    "agents.yaml": """
        apiVersion: duvoform/v1
        kind: Assignment
        metadata: {name: Cash report}
        spec:
          folder: Finance
          build:
            model: claude-sonnet-4-6
            sop: |
              Report the cash position.
              Explain every movement above EUR 5000.
        """,
}


def run(emulator: EmulatorControl, *args: str, key: str | None = None) -> Result:
    env = {"DUVO_API_KEY": key or emulator.api_key, "DUVO_API_URL": None, "NO_COLOR": None}
    return CliRunner().invoke(
        cli, ["--api-url", emulator.base_url, *args], env=env, catch_exceptions=False
    )


@pytest.fixture
def manifests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write(tmp_path / "m", FILES)


def test_detailed_exitcode_is_2_with_changes_and_0_without(
    emulator: EmulatorControl, manifests: Path
) -> None:
    changes = run(emulator, "plan", "m", "--detailed-exitcode")
    assert changes.exit_code == 2, changes.output
    assert "+ Assignment/Cash report will be created" in changes.stdout
    assert changes.stdout.rstrip().endswith("(0 unchanged).")
    assert run(emulator, "plan", "m").exit_code == 0  # without the flag: 0 when planned
    emulator.seed(converged_seed(desired_from(manifests)))
    same = run(emulator, "plan", "m", "--detailed-exitcode")
    assert same.exit_code == 0
    assert same.stdout == "No changes. Live state matches the manifests.\n"
    assert same.stderr == ""


def test_an_error_exits_1_with_a_message_and_no_traceback(
    emulator: EmulatorControl, manifests: Path
) -> None:
    (manifests / "bad.yaml").write_text("apiVersion: duvoform/v1\nkind: Folder\n")
    result = run(emulator, "plan", "m", "--detailed-exitcode", "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: m/bad.yaml")
    assert "Traceback" not in result.stderr


def test_a_rejected_key_names_the_variable(emulator: EmulatorControl, manifests: Path) -> None:
    result = run(emulator, "plan", "m", key="not-a-key")
    assert result.exit_code == 1
    assert "DUVO_API_KEY" in result.stderr
    assert "401" in result.stderr
    assert "not-a-key" not in result.stderr


def test_json_is_exactly_one_document_on_stdout(emulator: EmulatorControl, manifests: Path) -> None:
    (manifests / "agents.yaml").write_text(
        (manifests / "agents.yaml").read_text().replace("claude-sonnet-4-6", "claude-sonet-4-6")
    )
    result = run(emulator, "plan", "m", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert list(doc)[:5] == ["format_version", "summary", "changes", "warnings", "notes"]
    assert doc["summary"]["create"] == 2
    assert result.stderr.startswith("warning: ")  # the model typo, on stderr for the log
    (typo,) = doc["warnings"]  # and in the plan, for whoever reads the document
    assert "claude-sonet-4-6" in typo
    assert typo == result.stderr.removeprefix("warning: ").strip()
    markdown = run(emulator, "plan", "m", "--format", "markdown")
    assert "claude-sonet-4-6" in markdown.stdout


def test_markdown_is_a_pull_request_comment(emulator: EmulatorControl, manifests: Path) -> None:
    result = run(emulator, "plan", "m", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("<!-- duvoform-plan -->")
    assert "Cash report" in result.stdout


def test_out_saves_a_plan_file(emulator: EmulatorControl, manifests: Path) -> None:
    result = run(emulator, "plan", "m", "--out", "plans/next.json")
    assert result.exit_code == 0
    assert "Saved the plan to plans/next.json" in result.stderr
    saved = read_plan_file(Path("plans/next.json"))
    assert [c.address for c in saved.plan.changes] == ["Folder/Finance", "Assignment/Cash report"]
    assert saved.manifest_root == "m"
    assert saved.manifest_paths == (".",)
    assert saved.api_url == emulator.base_url


def test_verbose_text_lists_requests_and_dependencies(
    emulator: EmulatorControl, manifests: Path
) -> None:
    result = run(emulator, "-v", "--no-color", "plan", "m")
    assert "requests: POST /v1/agents, POST /v1/agent-folders/{folder_id}/agents" in result.stdout
    assert "depends on: Folder/Finance" in result.stdout
    assert "\x1b[" not in result.stdout


def test_targets_narrow_and_an_unknown_one_is_an_error(
    emulator: EmulatorControl, manifests: Path
) -> None:
    narrowed = run(emulator, "plan", "m", "--target", "Folder/Finance")
    assert narrowed.exit_code == 0
    assert "Assignment/Cash report" not in narrowed.stdout
    assert "Folder/Finance will be created" in narrowed.stdout
    unknown = run(emulator, "plan", "m", "--target", "Assignment/Cash reprt")
    assert unknown.exit_code == 1
    assert 'did you mean "Assignment/Cash report"?' in unknown.stderr
    emulator.clear_stats()
    malformed = run(emulator, "plan", "m", "--target", "Cash report")
    assert malformed.exit_code == 2  # a usage error, as show's bad address
    assert "a target is Kind/name" in malformed.stderr
    lower = run(emulator, "plan", "m", "--target", "assignment/Cash report")
    assert lower.exit_code == 2
    assert 'did you mean "Assignment"?' in lower.stderr
    assert emulator.stats()["total"] == 0  # refused before anything was read


def test_the_local_emulator_works_on_a_fresh_machine(manifests: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--api-url", "local", "plan", "m", "--detailed-exitcode"],
        env={"DUVO_API_KEY": None, "DUVO_API_URL": None},
        catch_exceptions=False,
    )
    assert result.exit_code == 2, result.output
    assert Path(".duvoform/emulator.sqlite3").exists()


def test_the_json_shape_is_the_contract(emulator: EmulatorControl, manifests: Path) -> None:
    emulator.seed(
        {
            "folders": [{"name": "Finance"}],
            "agents": [
                seeded_agent(
                    "Cash report",
                    "Report the cash position.",
                    build="Initial setup",
                    folder="Finance",
                )
            ],
        }
    )
    doc = json.loads(run(emulator, "plan", "m", "--format", "json").stdout)
    assert set(doc) == {"format_version", "summary", "changes", "warnings", "notes"}
    assert doc["format_version"] == 1
    assert doc["summary"] == {
        "create": 0,
        "update": 0,
        "build": 1,
        "delete": 0,
        "authorize": 0,
        "unchanged": 1,
    }
    (change,) = doc["changes"]
    assert list(change) == CHANGE_KEYS
    assert change["address"] == "Assignment/Cash report"
    assert change["action"] == "build"
    assert all(set(f) == {"path", "before", "after"} for f in change["fields"])
    assert change["fields"][0]["path"] == "build.sop"
    assert change["fields"][0]["after"].endswith("Explain every movement above EUR 5000.")
    assert change["requests"] == [
        {"method": "POST", "path": "/v1/agents/{agent_id}/revisions"},
        {"method": "POST", "path": "/v1/revisions/{build_id}/promote"},
    ]
    assert change["depends_on"] == ["Folder/Finance"]
    assert isinstance(change["live_id"], str)
    assert doc["warnings"] == []
