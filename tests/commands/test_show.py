"""``duvoform show`` against the emulator over HTTP, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from duvoform.manifest.parse import parse_documents
from tests.importer.helpers import v2
from tests.importer.team import ID_TRIAGE, ID_VENDOR, SECRET, invoke, seed_team


@pytest.fixture
def team(emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The varied team seeded; the working directory is a fresh repository."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return seed_team(emulator)


def test_an_assignment_with_its_live_build_history_slots_and_schedules(
    emulator: EmulatorControl, team: dict
) -> None:
    result = invoke(emulator, "show", "Assignment/Invoice triage")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f'Assignment "Invoice triage"\n  id: {ID_TRIAGE}\n')
    assert "  folder: Finance/Accounts Payable/Invoices\n" in out
    assert "  enabled: agentic memory\n" in out
    assert "    revision name: Q4 policy\n" in out
    assert "    model: claude-sonnet-4-6\n    browsing: anthropic claude-sonnet-4-5\n" in out
    assert f"    sub-agents: Vendor lookup ({ID_VENDOR})\n" in out
    assert "    handover targets: not readable from the API\n" in out
    assert '    options: {"browserProvider": "browserbase"}\n' in out
    # the SOP in full, every line
    assert (
        "    SOP (5 lines):\n      | You triage invoices.\n      | \n      | 1. Read the PDF.\n"
        "      |         2. Check the vendor.  \n      | 3. Route it.\n"  # the tab, expanded
    ) in out
    assert "  builds (2, newest first):\n    #2 live Q4 policy (" in out
    assert "    #1 historic first (" in out
    assert "    Snowflake prod: pinned: Snowflake prod (inferred)\n" in out
    assert "    Gmail: no connection of yours pinned\n" in out
    assert "  - daily at 09:00 Europe/Prague, enabled, owner " in out
    assert "  - custom cron '0 * * * *' at 09:00 UTC, disabled, owner " in out


def test_a_connection_never_shows_a_secret_value(emulator: EmulatorControl, team: dict) -> None:
    for fmt in ("text", "json", "yaml"):
        result = invoke(emulator, "show", "--format", fmt, "Connection/Snowflake prod")
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output
        assert "canary" not in result.output
    text = invoke(emulator, "show", "Connection/Snowflake prod").stdout
    assert "  server url: https://mcp.example.com/snowflake\n" in text
    assert "  shared: yes\n" in text
    assert '    Authorization: secret (set)\n    X-Org: plaintext "acme"\n' in text
    doc = json.loads(
        invoke(emulator, "show", "--format", "json", "Connection/Snowflake prod").stdout
    )
    assert doc["object"]["headers"] == [
        {"name": "Authorization", "type": "secret", "state": "set"},
        {"name": "X-Org", "type": "plaintext", "state": "set", "value": "acme"},
    ]
    assert doc["manifest"]["spec"]["headers"]["secret"] == {
        "Authorization": {"env": "SNOWFLAKE_PROD_AUTHORIZATION"}
    }


def test_a_secret_header_the_manifest_declares_but_live_lacks_is_unset(
    emulator: EmulatorControl, team: dict, tmp_path: Path
) -> None:
    (tmp_path / "m.yaml").write_text(
        "apiVersion: duvoform/v1\nkind: Connection\nmetadata: {name: Snowflake prod}\nspec:\n"
        "  type: custom_mcp\n  server_url: https://mcp.example.com/snowflake\n  shared: true\n"
        "  headers:\n    plaintext: {X-Org: acme}\n"
        "    secret: {Authorization: {env: A}, X-Extra: {env: B}}\n"
    )
    result = invoke(emulator, "show", "Connection/Snowflake prod", "m.yaml")
    assert result.exit_code == 0, result.output
    assert "    X-Extra: secret (unset)\n" in result.stdout
    assert "Compared with the manifest Connection/Snowflake prod:\n" in result.stdout


def test_a_folder_by_its_path_with_subfolders_and_assignments(
    emulator: EmulatorControl, team: dict
) -> None:
    result = invoke(emulator, "show", "Folder/Finance/Accounts Payable")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith('Folder "Accounts Payable"\n')
    assert "  path: Finance/Accounts Payable\n  parent: Finance\n" in out
    assert "  subfolders (1):\n    Invoices (" in out
    assert f"  assignments (1):\n    Vendor lookup ({ID_VENDOR})\n" in out


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "Assignment/Invoice triag",
            'no live assignment is called "Invoice triag"; did you mean "Invoice triage"?',
        ),
        (
            "Connection/Snowflake",
            'no live connection is called "Snowflake"; did you mean "Snowflake prod"?',
        ),
        ("Folder/Finanse", 'no live folder is called "Finanse"; did you mean "Finance"?'),
        ("Assignment/00000000-0000-4000-8000-0000000000ff", "no live assignment has the id"),
    ],
)
def test_a_name_that_does_not_exist(
    emulator: EmulatorControl, team: dict, address: str, message: str
) -> None:
    result = invoke(emulator, "show", address)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}" + result.stderr.split(message, 1)[1]
    assert "Traceback" not in result.output


def test_an_ambiguous_name_lists_the_ids(emulator: EmulatorControl, team: dict) -> None:
    duplicates = [
        a["id"]
        for a, spec in zip(team["agents"], _agents(), strict=True)
        if spec["name"] == "Duplicate"
    ]
    result = invoke(emulator, "show", "Assignment/Duplicate")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        'Error: 2 live assignments are called "Duplicate"; show one by its id (Assignment/ID):\n'
    )
    for ident in duplicates:
        assert f"  - {ident}, created " in result.stderr
    shown = invoke(emulator, "show", f"Assignment/{duplicates[1]}")
    assert shown.exit_code == 0
    assert "The second one." in shown.stdout
    folders = invoke(emulator, "show", "Folder/Reports")
    assert folders.exit_code == 1
    assert "(Finance/Reports)" in folders.stderr
    assert "(Operations/Reports)" in folders.stderr


def _agents() -> list[dict]:
    from tests.importer.team import TEAM

    return TEAM["agents"]


def test_an_unknown_kind_or_a_bad_address_is_a_usage_error(
    emulator: EmulatorControl, team: dict
) -> None:
    result = invoke(emulator, "show", "Asignment/X")
    assert result.exit_code == 2
    assert 'did you mean "Assignment"?' in result.stderr
    assert invoke(emulator, "show", "Assignment").exit_code == 2


def test_showing_one_assignment_costs_at_most_5_requests_whatever_the_team_size(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    agents = [
        {
            "name": f"Assignment {i:04d}",
            "folder": "Team",
            "builds": [
                {"config": v2(sop="old")},
                {
                    "config": v2(sop=f"Batch {i}."),
                    "integrations": [{"integration": "MCP", "pins": ["MCP"]}],
                },
            ],
        }
        for i in range(1000)
    ]
    made = emulator.seed(
        {
            "connections": [{"name": "MCP", "server_url": "https://mcp.example.com/x"}],
            "folders": [{"name": "Team"}],
            "agents": agents,
        }
    )
    emulator.seed_schedules([{"agent": "Assignment 0500"}])
    target = made["agents"][500]["id"]

    emulator.clear_stats()
    by_id = invoke(emulator, "show", f"Assignment/{target}")
    assert by_id.exit_code == 0, by_id.output
    assert "Batch 500." in by_id.stdout
    assert "MCP: pinned: MCP (inferred)" in by_id.stdout
    assert emulator.stats()["total"] <= 5

    # the first lookup by name lists the team once and keeps a name index under .duvoform/
    emulator.clear_stats()
    cold = invoke(emulator, "show", "Assignment/Assignment 0500")
    assert cold.exit_code == 0, cold.output
    assert emulator.stats()["by_route"]["GET /v1/agents"] == 10
    assert (tmp_path / ".duvoform" / "index").is_dir()

    emulator.clear_stats()
    warm = invoke(emulator, "show", "Assignment/Assignment 0501")
    assert warm.exit_code == 0, warm.output
    stats = emulator.stats()
    assert stats["total"] <= 5
    assert "GET /v1/agents" not in stats["by_route"]
    assert stats["by_route"]["GET /v1/agents/{agent_id}"] == 1


def test_a_stale_name_index_is_never_trusted(emulator: EmulatorControl, team: dict) -> None:
    assert invoke(emulator, "show", "Assignment/Escalations").exit_code == 0
    with emulator.client() as http:
        agent = team["ids"]["Escalations"]
        http.patch(f"/v1/agents/{agent}", json={"name": "Escalation desk"}).raise_for_status()
    old = invoke(emulator, "show", "Assignment/Escalations")
    assert old.exit_code == 1
    assert 'did you mean "Escalation desk"?' in old.stderr
    new = invoke(emulator, "show", "Assignment/Escalation desk")
    assert new.exit_code == 0, new.output


def test_the_slots_of_a_live_build_older_than_the_newest(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    emulator.seed(
        {
            "connections": [{"name": "MCP", "server_url": "https://mcp.example.com/x"}],
            "agents": [
                {
                    "name": "Drafty",
                    "builds": [
                        {
                            "config": v2(sop="Live."),
                            "status": "live",
                            "integrations": [{"integration": "MCP", "pins": ["MCP"]}],
                        },
                        {"config": v2(sop="Draft."), "status": "draft"},
                    ],
                }
            ],
        }
    )
    result = invoke(emulator, "show", "Assignment/Drafty")
    assert result.exit_code == 0, result.output
    assert "      | Live.\n" in result.stdout
    assert "    MCP: pinned: MCP\n" in result.stdout  # read, not inferred
    assert "#2 draft" in result.stdout


def test_yaml_is_the_manifest_import_writes_ready_to_paste(
    emulator: EmulatorControl, team: dict, tmp_path: Path
) -> None:
    shown = invoke(emulator, "show", "--format", "yaml", "Assignment/Invoice triage")
    assert shown.exit_code == 0, shown.output
    assert 'note: Assignment/Invoice triage: the integration slot "Gmail"' in shown.stderr
    assert invoke(emulator, "import", "--out", "out").exit_code == 0
    imported = (tmp_path / "out/assignments/invoice-triage.yaml").read_text()
    (doc,) = parse_documents(shown.stdout, "shown").documents
    (written,) = parse_documents(imported, "imported").documents
    build = dict(written.data["spec"]["build"])
    sop_file = build.pop("sop_file")
    assert sop_file == "../sops/invoice-triage.md"
    inline = dict(doc.data["spec"]["build"])
    assert inline.pop("sop") == (tmp_path / "out/sops/invoice-triage.md").read_text()
    assert inline == build
    assert doc.data["metadata"] == written.data["metadata"]
    assert shown.stdout.split("apiVersion")[0] == imported.split("apiVersion")[0]  # schedules
    (tmp_path / "out/assignments/invoice-triage.yaml").write_text(shown.stdout)
    assert invoke(emulator, "validate", "out").exit_code == 0


def test_json_is_one_document(emulator: EmulatorControl, team: dict) -> None:
    result = invoke(emulator, "show", "--format", "json", "Folder/Finance")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["format_version", "kind", "object", "manifest", "manifest_notes", "diff"]
    assert doc["kind"] == "Folder"
    assert doc["object"]["path"] == "Finance"
    assert [s["name"] for s in doc["object"]["subfolders"]] == ["Accounts Payable", "Reports"]
    assert doc["manifest"] == {
        "apiVersion": "duvoform/v1",
        "kind": "Folder",
        "metadata": {"name": "Finance"},
        "spec": {},
    }
    assert doc["diff"] is None


def _block(text: str, head: str) -> str:
    """The lines of one change in a text plan: from its header to the blank line."""
    start = text.index(head)
    return text[start : text.index("\n\n", start) + 1]


def test_the_difference_from_a_manifest_in_the_same_words_as_plan(
    emulator: EmulatorControl, team: dict, tmp_path: Path
) -> None:
    assert invoke(emulator, "import", "--out", "out").exit_code == 0
    unchanged = invoke(emulator, "show", "Assignment/Invoice triage", "out")
    assert unchanged.exit_code == 0, unchanged.output
    assert "Compared with the manifest Assignment/Invoice triage:\n" in unchanged.stdout
    assert "No changes. Live state matches the manifests." in unchanged.stdout

    sop = tmp_path / "out/sops/invoice-triage.md"
    sop.write_text(sop.read_text().replace("3. Route it.", "3. Route it to the approver."))
    manifest = tmp_path / "out/assignments/invoice-triage.yaml"
    manifest.write_text(
        manifest.read_text().replace("agentic_memory_enabled: true", "slack_enabled: true")
    )
    plan = invoke(emulator, "plan", "out")
    assert plan.exit_code == 0, plan.output
    shown = invoke(emulator, "show", "Assignment/Invoice triage", "out")
    assert shown.exit_code == 0, shown.output
    change = _block(plan.stdout, "± Assignment/Invoice triage")
    assert "build.sop:" in change
    assert "slack_enabled: false -> true" in change
    assert change in shown.stdout
    assert "Plan: 0 to create, 0 to update, 1 to build" in shown.stdout
    as_json = json.loads(
        invoke(emulator, "show", "--format", "json", "Assignment/Invoice triage", "out").stdout
    )
    plan_json = json.loads(invoke(emulator, "plan", "out", "--format", "json").stdout)
    (planned,) = [c for c in plan_json["changes"] if c["address"] == "Assignment/Invoice triage"]
    assert as_json["diff"]["changes"] == [planned]
    assert as_json["diff"]["address"] == "Assignment/Invoice triage"


def test_an_object_no_manifest_describes(
    emulator: EmulatorControl, team: dict, tmp_path: Path
) -> None:
    (tmp_path / "m.yaml").write_text(
        "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Elsewhere}\n"
    )
    result = invoke(emulator, "show", "Folder/Finance", "m.yaml")
    assert result.exit_code == 0, result.output
    assert "No manifest in the given paths describes it.\n" in result.stdout


def test_yaml_of_an_object_no_manifest_can_describe_is_an_error(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    emulator.seed({"folders": [{"name": "A/B"}]})
    assert invoke(emulator, "show", "Folder/A/B").exit_code == 0
    result = invoke(emulator, "show", "--format", "yaml", "Folder/A/B")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: Folder/A/B cannot be written as a manifest: ")
    assert "cannot contain '/'" in result.stderr


def test_a_safety_rail_about_another_object_does_not_hide_this_one(
    emulator: EmulatorControl, team: dict, tmp_path: Path
) -> None:
    # Renaming the protected Finance folder is refused by plan; show applies nothing, so it
    # still shows (and compares) the assignment it was asked about.
    (tmp_path / "m.yaml").write_text(
        "apiVersion: duvoform/v1\nkind: Folder\n"
        "metadata: {name: Money, previous_names: [Finance], protected: true}\n"
    )
    assert invoke(emulator, "plan", "m.yaml").exit_code == 1
    result = invoke(emulator, "show", "Assignment/Invoice triage", "m.yaml")
    assert result.exit_code == 0, result.output
    assert "No manifest in the given paths describes it.\n" in result.stdout
