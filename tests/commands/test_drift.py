"""``duvoform drift`` end to end: the real CLI against the emulator over HTTP, with the team
applied first and then changed by hand through the API, as a colleague would in the web app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import TOKEN, invoke, write_team
from tests.helpers import v2_config


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    """The e2e team, applied; the working directory (and so ``.duvoform/``) in tmp_path."""
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    manifests = write_team(tmp_path)
    applied = invoke(emulator, "apply", "--auto-approve", str(manifests))
    assert applied.exit_code == 0, applied.output
    return manifests


@pytest.fixture
def api(emulator: EmulatorControl) -> Iterator[httpx.Client]:
    """The API as a colleague's web app uses it."""
    with emulator.client() as client:
        yield client


def agent_id(emulator: EmulatorControl, name: str) -> str:
    (found,) = [a["id"] for a in emulator.state()["agents"] if a["name"] == name]
    return str(found)


def live_build(emulator: EmulatorControl, name: str) -> dict[str, Any]:
    agent = agent_id(emulator, name)
    (build,) = [
        b for b in emulator.state()["builds"] if b["agent_id"] == agent and b["status"] == "live"
    ]
    return dict(build)


def drift_json(emulator: EmulatorControl, team: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = invoke(emulator, "drift", "--format", "json", *args, str(team))
    assert result.exit_code in (0, 2), result.output
    return result.exit_code, json.loads(result.stdout)


def entries(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e["address"], e["cause"]): e for e in doc["drift"]}


def test_right_after_an_apply_there_is_no_drift(emulator: EmulatorControl, team: Path) -> None:
    emulator.clear_stats()
    result = invoke(emulator, "drift", str(team))
    assert result.exit_code == 0, result.output
    assert "No drift: live state matches the manifests (6 in sync)." in result.stdout
    assert emulator.stats()["writes"] == 0
    code, doc = drift_json(emulator, team)
    assert code == 0
    assert doc["drift"] == []
    assert doc["unmanaged"] == []
    assert doc["summary"] == {
        "changed_outside": 0,
        "missing": 0,
        "differs": 0,
        "pending": 0,
        "unmanaged": 0,
        "in_sync": 6,
    }


def test_a_build_edited_and_promoted_by_hand_changed_outside(
    emulator: EmulatorControl, team: Path, api: httpx.Client
) -> None:
    agent = agent_id(emulator, "Escalations")
    made = api.post(
        f"/v1/agents/{agent}/revisions",
        json={"name": "Edited in the web app", "config": v2_config("Handle it all by hand.")},
    )
    made.raise_for_status()
    build = made.json()["build"]["id"]
    if live_build(emulator, "Escalations")["id"] != build:
        api.post(f"/v1/revisions/{build}/promote").raise_for_status()

    code, doc = drift_json(emulator, team)
    assert code == 2
    entry = entries(doc)[("Assignment/Escalations", "changed_outside")]
    assert entry["kind"] == "Assignment"
    assert entry["name"] == "Escalations"
    assert f"the live build {build} was not made by duvoform" in entry["reasons"][0]
    fields = {f["path"]: f for f in entry["fields"]}
    assert fields["build.sop"] == {
        "path": "build.sop",
        "live": "Handle it all by hand.",
        "desired": "Handle what the others cannot.",
    }
    assert doc["summary"]["changed_outside"] == 1

    text = invoke(emulator, "drift", str(team))
    assert text.exit_code == 2
    assert "! Assignment/Escalations changed outside git" in text.stdout
    assert "-Handle it all by hand.\n" in text.stdout
    assert "+Handle what the others cannot.\n" in text.stdout


def test_a_build_config_patched_in_place_no_longer_matches_its_digest(
    emulator: EmulatorControl, team: Path, api: httpx.Client
) -> None:
    build = live_build(emulator, "Escalations")
    api.patch(
        f"/v1/revisions/{build['id']}",
        json={"config": v2_config("Patched in place.", model="claude-opus-4-7")},
    ).raise_for_status()
    code, doc = drift_json(emulator, team)
    assert code == 2
    # plan trusts the digest in the build's name and sees nothing; drift reads the config
    assert invoke(emulator, "plan", "--detailed-exitcode", str(team)).exit_code == 0
    entry = entries(doc)[("Assignment/Escalations", "changed_outside")]
    assert (
        "carries the manifest's digest, but its config was changed in place"
        in (entry["reasons"][0])
    )
    fields = {f["path"]: (f["live"], f["desired"]) for f in entry["fields"]}
    assert fields["build.sop"] == ("Patched in place.", "Handle what the others cannot.")

    # the manifests move on too: the build still reads as changed outside, not as pending
    text = team / "team.yaml"
    text.write_text(text.read_text().replace("Handle what the others cannot.", "Handle the rest."))
    code, doc = drift_json(emulator, team)
    entry = entries(doc)[("Assignment/Escalations", "changed_outside")]
    assert "but its config no longer matches it" in entry["reasons"][0]


def test_an_older_build_promoted_by_hand_changed_outside(
    emulator: EmulatorControl, team: Path, api: httpx.Client
) -> None:
    first = live_build(emulator, "Escalations")
    text = team / "team.yaml"
    text.write_text(text.read_text().replace("Handle what the others cannot.", "Handle the rest."))
    assert invoke(emulator, "apply", "--auto-approve", str(team)).exit_code == 0
    assert invoke(emulator, "drift", str(team)).exit_code == 0
    api.post(f"/v1/revisions/{first['id']}/promote").raise_for_status()

    code, doc = drift_json(emulator, team)
    assert code == 2
    entry = entries(doc)[("Assignment/Escalations", "changed_outside")]
    assert f"the live build {first['id']} was promoted by hand" in entry["reasons"][0]


def test_a_flag_toggled_and_an_assignment_moved_differ(
    emulator: EmulatorControl, team: Path, api: httpx.Client
) -> None:
    escalations = agent_id(emulator, "Escalations")
    api.patch(f"/v1/agents/{escalations}", json={"slack_enabled": False}).raise_for_status()
    triage = agent_id(emulator, "Invoice triage")
    api.post(
        "/v1/agent-folders/move-agents", json={"agent_ids": [triage], "folder_id": None}
    ).raise_for_status()

    code, doc = drift_json(emulator, team)
    assert code == 2
    found = entries(doc)
    assert set(found) == {
        ("Assignment/Escalations", "differs"),
        ("Assignment/Invoice triage", "differs"),
    }
    assert found[("Assignment/Escalations", "differs")]["fields"] == [
        {"path": "slack_enabled", "live": False, "desired": True}
    ]
    assert found[("Assignment/Invoice triage", "differs")]["fields"] == [
        {"path": "folder", "live": None, "desired": "Finance/Accounts Payable"}
    ]
    assert doc["summary"]["differs"] == 2
    assert doc["summary"]["in_sync"] == 4


def test_a_deleted_connection_is_missing(
    emulator: EmulatorControl, team: Path, api: httpx.Client
) -> None:
    (connection,) = emulator.state()["connections"]
    api.delete(f"/v1/connections/{connection['id']}").raise_for_status()
    code, doc = drift_json(emulator, team)
    assert code == 2
    entry = entries(doc)[("Connection/Warehouse", "missing")]
    assert entry["live_id"] is None
    assert entry["reasons"][0] == "declared, and not live"
    assert TOKEN not in json.dumps(doc)
    assert doc["drift"][0]["cause"] == "missing"


def test_a_manifest_change_not_yet_applied_is_pending(
    emulator: EmulatorControl, team: Path
) -> None:
    text = team / "team.yaml"
    text.write_text(text.read_text().replace("Look vendors up in the ERP.", "Look them up."))
    code, doc = drift_json(emulator, team)
    assert code == 2
    (entry,) = doc["drift"]
    assert (entry["address"], entry["cause"]) == ("Assignment/Vendor lookup", "pending")
    assert "an apply is due" in entry["reasons"][0]
    assert entry["fields"] == [
        {"path": "build.sop", "live": "Look vendors up in the ERP.", "desired": "Look them up."}
    ]


def test_an_unmanaged_assignment_is_listed_apart(
    emulator: EmulatorControl, team: Path, api: httpx.Client
) -> None:
    made = api.post(
        "/v1/agents", json={"name": "Side project", "build": {"name": "b", "config": v2_config()}}
    )
    made.raise_for_status()
    code, doc = drift_json(emulator, team)
    assert code == 0
    assert doc["drift"] == []
    assert [(u["address"], u["kind"]) for u in doc["unmanaged"]] == [
        ("Assignment/Side project", "Assignment")
    ]
    text = invoke(emulator, "drift", str(team))
    assert text.exit_code == 0
    assert "? Assignment/Side project" in text.stdout
    assert "1 live object in no manifest" in text.stdout
    strict = invoke(emulator, "drift", "--fail-on-unmanaged", str(team))
    assert strict.exit_code == 2


def test_markdown_report_fits_an_issue(
    emulator: EmulatorControl, team: Path, api: httpx.Client
) -> None:
    escalations = agent_id(emulator, "Escalations")
    api.patch(f"/v1/agents/{escalations}", json={"slack_enabled": False}).raise_for_status()
    result = invoke(emulator, "drift", "--format", "markdown", str(team))
    assert result.exit_code == 2
    body = result.stdout
    assert body.startswith("<!-- duvoform-drift -->\n\n## duvoform drift\n")
    assert "<code>Assignment/Escalations</code>" in body
    assert len(body) <= 65_536


def test_errors_exit_1(emulator: EmulatorControl, team: Path) -> None:
    refused = invoke(emulator, "drift", str(team), DUVO_API_KEY="wrong-key-1")
    assert refused.exit_code == 1
    assert "DUVO_API_KEY" in refused.stderr
    misspelt = invoke(emulator, "drift", "--fail-on-unmanged", str(team))
    assert misspelt.exit_code == 1
    assert "No such option" in misspelt.stderr
    missing = invoke(emulator, "drift", str(team / "nowhere"))
    assert missing.exit_code == 1


def test_drift_reads_with_the_requests_of_plan(emulator: EmulatorControl, team: Path) -> None:
    emulator.clear_stats()
    assert invoke(emulator, "plan", str(team)).exit_code == 0
    planned = emulator.stats()["total"]
    emulator.clear_stats()
    assert invoke(emulator, "drift", str(team)).exit_code == 0
    assert emulator.stats()["total"] == planned
    assert emulator.stats()["writes"] == 0
