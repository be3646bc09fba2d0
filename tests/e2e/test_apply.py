"""End to end: the real CLI plans and applies against the emulator over HTTP.

apply then plan is a no-op; applying twice is harmless; a saved plan applied twice is
harmless; a failure skips what needs it and exits 1; a secret value never shows up anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import TOKEN, invoke, names, write_team


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    """The e2e team's manifests; the working directory (and so ``.duvoform/``) in tmp_path."""
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    return write_team(tmp_path)


def test_apply_then_plan_is_a_no_op(emulator: EmulatorControl, team: Path) -> None:
    applied = invoke(emulator, "apply", "--auto-approve", str(team))
    assert applied.exit_code == 0, applied.output
    assert "Apply complete:" in applied.stdout
    assert "0 failed" in applied.stdout

    again = invoke(emulator, "plan", "--detailed-exitcode", str(team))
    assert again.exit_code == 0, again.stdout
    assert "No changes" in again.stdout

    assert names(emulator, "agents") == {"Vendor lookup": 1, "Invoice triage": 1, "Escalations": 1}
    assert names(emulator, "folders") == {"Finance": 1, "Accounts Payable": 1}
    assert names(emulator, "connections") == {"Warehouse": 1}
    state = emulator.state()
    agents = {row["name"]: row for row in state["agents"]}
    folders = {row["name"]: row for row in state["folders"]}
    assert agents["Invoice triage"]["folder_id"] == folders["Accounts Payable"]["id"]
    assert folders["Accounts Payable"]["parent_folder_id"] == folders["Finance"]["id"]
    assert agents["Escalations"]["folder_id"] is None
    assert agents["Invoice triage"]["agentic_memory_enabled"] in (1, True)
    assert agents["Escalations"]["slack_enabled"] in (1, True)
    live = {b["agent_id"]: b for b in state["builds"] if b["status"] == "live"}
    triage_build = live[agents["Invoice triage"]["id"]]
    config = triage_build["config"]
    config = config if isinstance(config, dict) else json.loads(config)
    assert config["data"]["subAgents"] == [agents["Vendor lookup"]["id"]]
    assert triage_build["revision_name"] == "Q4 policy"
    journals = list(Path(".duvoform/journal").glob("*.jsonl"))
    assert len(journals) == 1


def test_applying_twice_is_harmless(emulator: EmulatorControl, team: Path) -> None:
    assert invoke(emulator, "apply", "--auto-approve", str(team)).exit_code == 0
    emulator.clear_stats()
    again = invoke(emulator, "apply", "--auto-approve", str(team))
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout
    assert emulator.stats()["writes"] == 0
    assert names(emulator, "agents") == {"Vendor lookup": 1, "Invoice triage": 1, "Escalations": 1}


def test_a_saved_plan_applied_twice_is_harmless(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    made = invoke(emulator, "plan", "--out", str(plan_file), str(team))
    assert made.exit_code == 0, made.output
    assert TOKEN not in plan_file.read_text()

    first = invoke(emulator, "apply", str(plan_file))
    assert first.exit_code == 0, first.output
    assert "Apply complete:" in first.stdout

    emulator.clear_stats()
    second = invoke(emulator, "apply", str(plan_file))
    assert second.exit_code == 0, second.output
    assert "This plan was already applied" in second.stderr
    assert emulator.stats()["writes"] == 0
    as_json = invoke(emulator, "apply", "--format", "json", str(plan_file))
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.stdout)  # one document, even with nothing to do
    assert report["ok"] is True
    assert report["steps"] == []
    assert "This plan was already applied" in as_json.stderr
    assert invoke(emulator, "plan", "--detailed-exitcode", str(team)).exit_code == 0


def test_a_stale_plan_is_refused_naming_each_change_with_zero_writes(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    assert invoke(emulator, "apply", "--auto-approve", str(team)).exit_code == 0
    (team / "team.yaml").write_text(
        (team / "team.yaml").read_text().replace("Handle what", "Handle, kindly, what")
    )
    plan_file = tmp_path / "plan.json"
    assert invoke(emulator, "plan", "--out", str(plan_file), str(team)).exit_code == 0

    # Someone changes things by hand between plan and apply.
    agents = {row["name"]: row["id"] for row in emulator.state()["agents"]}
    with emulator.client() as http:
        renamed = http.patch(f"/v1/agents/{agents['Vendor lookup']}", json={"name": "Vendors"})
        assert renamed.status_code == 200
        made = http.post("/v1/agent-folders", json={"name": "Operations"})
        assert made.status_code == 201
    emulator.clear_stats()
    refused = invoke(emulator, "apply", str(plan_file))
    assert refused.exit_code == 1
    assert "the saved plan is stale" in refused.stderr
    assert "Assignment/Vendor lookup: changed since the plan" in refused.stderr
    assert emulator.stats()["writes"] == 0


def test_a_plan_expecting_an_object_absent_is_refused_when_it_appeared(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert invoke(emulator, "plan", "--out", str(plan_file), str(team)).exit_code == 0
    with emulator.client() as http:
        assert http.post("/v1/agent-folders", json={"name": "Finance"}).status_code == 201
    emulator.clear_stats()
    refused = invoke(emulator, "apply", str(plan_file))
    assert refused.exit_code == 1
    assert "Folder/Finance: now exists" in refused.stderr
    assert emulator.stats()["writes"] == 0


def test_a_failure_skips_what_needs_it_and_exits_1_and_the_next_apply_finishes(
    emulator: EmulatorControl, team: Path
) -> None:
    emulator.set_faults(error_rate=1.0, error_statuses=[500], routes=["POST /v1/agent-folders"])
    failed = invoke(emulator, "apply", "--auto-approve", str(team))
    assert failed.exit_code == 1
    assert "Error: 1 step failed" in failed.stderr
    assert "run apply again: it picks up where this run stopped" in failed.stderr
    assert "x Folder/Finance (folder.create)" in failed.stdout
    assert "- Folder/Finance/Accounts Payable (folder.create): needs Folder/Finance" in (
        failed.stdout
    )
    assert "Apply failed:" in failed.stdout
    # Independent work went on: the assignments exist (at the root, not yet moved).
    assert names(emulator, "agents") == {"Vendor lookup": 1, "Invoice triage": 1, "Escalations": 1}
    assert names(emulator, "folders") == {}

    emulator.set_faults()
    fixed = invoke(emulator, "apply", "--auto-approve", str(team))
    assert fixed.exit_code == 0, fixed.output
    assert invoke(emulator, "plan", "--detailed-exitcode", str(team)).exit_code == 0
    assert names(emulator, "agents") == {"Vendor lookup": 1, "Invoice triage": 1, "Escalations": 1}


def test_json_report_and_no_secret_anywhere(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    result = invoke(emulator, "-vv", "apply", "--auto-approve", "--format", "json", str(team))
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["ok"] is True
    assert doc["summary"]["failed"] == 0
    assert doc["summary"]["done"] == len(doc["steps"])
    assert {step["status"] for step in doc["steps"]} == {"done"}
    journal = "".join(p.read_text() for p in Path(".duvoform/journal").glob("*.jsonl"))
    for text in (result.stdout, result.stderr, journal):
        assert TOKEN not in text
    # The value did reach the API (as the emulator stores it).
    assert TOKEN in json.dumps(emulator.state()["connections"])

    nothing = invoke(emulator, "apply", "--auto-approve", "--format", "json", str(team))
    assert nothing.exit_code == 0
    assert json.loads(nothing.stdout)["steps"] == []


def test_a_failed_saved_plan_advises_a_new_plan_not_the_same_file(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert invoke(emulator, "plan", "--out", str(plan_file), str(team)).exit_code == 0
    emulator.set_faults(error_rate=1.0, error_statuses=[500], routes=["POST /v1/agent-folders"])
    failed = invoke(emulator, "apply", str(plan_file))
    assert failed.exit_code == 1
    assert "make a new plan (plan --out) and apply that" in failed.stderr
    emulator.set_faults()
    # As advised: the same file is stale now, a new plan finishes the work.
    assert invoke(emulator, "apply", str(plan_file)).exit_code == 1
    assert invoke(emulator, "plan", "--out", str(plan_file), str(team)).exit_code == 0
    assert invoke(emulator, "apply", str(plan_file)).exit_code == 0
    assert invoke(emulator, "plan", "--detailed-exitcode", str(team)).exit_code == 0
