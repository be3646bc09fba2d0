"""``duvoform import`` against the emulator over HTTP, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from duvoform.kinds.connection.mapping import COMPOSIO_PLACEHOLDER
from tests.importer.helpers import v2
from tests.importer.team import LEGACY, SECRET, every_file_text, invoke, seed_team


@pytest.fixture
def team(emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The varied team seeded, the working directory a fresh repository; returns ``out``."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    seed_team(emulator)
    return tmp_path / "out"


def test_round_trip_imports_a_varied_team_that_plans_to_no_changes(
    emulator: EmulatorControl, team: Path
) -> None:
    result = invoke(emulator, "import", "--out", "out")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Imported 6 folders, 10 assignments and 5 connections into out (27 files, 10 of them SOPs;"
    )
    # what the API cannot read back is a note, never a change
    assert "note: handover targets cannot be read back" in result.stderr
    assert "warning: Assignment/Duplicate (" in result.stderr
    assert 'SNOWFLAKE_PROD_AUTHORIZATION  Connection "Snowflake prod", header Authorization' in (
        result.stdout
    )

    validate = invoke(emulator, "validate", "out")
    assert validate.exit_code == 0, validate.output
    assert validate.stdout.startswith("Valid: 21 resources (10 Assignment, 5 Connection, 6 Folder)")

    plan = invoke(emulator, "plan", "out", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "No changes. Live state matches the manifests." in plan.stdout
    assert "Assignment/Invoice triage: the live build" in plan.stdout  # adopted, with a note
    assert "Assignment/Vendor lookup: the live build" in plan.stdout  # legacy v1, adopted too

    assert SECRET not in every_file_text(team)
    assert SECRET not in result.output


def test_the_files_read_as_if_written_by_hand(emulator: EmulatorControl, team: Path) -> None:
    assert invoke(emulator, "import", "--out", "out").exit_code == 0
    files = sorted(p.relative_to(team).as_posix() for p in team.rglob("*") if p.is_file())
    assert files == [
        "assignments/assignment-666097c3.yaml",
        "assignments/duplicate.yaml",
        "assignments/escalations.yaml",
        "assignments/invoice-triage.yaml",
        "assignments/ping.yaml",
        "assignments/pong.yaml",
        "assignments/reconciliation-quarterly-v2-2.yaml",
        "assignments/reconciliation-quarterly-v2.yaml",
        "assignments/vendor-lookup.yaml",
        "assignments/yes.yaml",
        "connections/ap-inbox.yaml",
        "connections/docs-mcp.yaml",
        "connections/linear.yaml",
        "connections/sheets.yaml",
        "connections/snowflake-prod.yaml",
        "duvoform.yaml",
        "folders/finance.yaml",
        "folders/operations.yaml",
        "sops/assignment-666097c3.md",
        "sops/duplicate.md",
        "sops/escalations.md",
        "sops/invoice-triage.md",
        "sops/ping.md",
        "sops/pong.md",
        "sops/reconciliation-quarterly-v2-2.md",
        "sops/reconciliation-quarterly-v2.md",
        "sops/vendor-lookup.md",
        "sops/yes.md",
    ]
    triage = (team / "assignments/invoice-triage.yaml").read_text()
    assert (
        triage
        == (
            "# Schedules (read-only in the Duvo API; duvoform shows them and never changes them):\n"
            "#   - daily at 09:00 Europe/Prague, enabled, owner "
        )
        + triage.split("owner ", 1)[1].split("\n", 1)[0]
        + "\n"
        + triage.split("\n", 2)[2]
    )
    body = triage.split("apiVersion", 1)[1]
    assert body == (
        ": duvoform/v1\n"
        "kind: Assignment\n"
        "metadata:\n"
        "  name: Invoice triage\n"
        "spec:\n"
        "  folder: Invoices\n"
        "  agentic_memory_enabled: true\n"
        "  build:\n"
        "    model: claude-sonnet-4-6\n"
        "    browsing:\n"
        "      provider: anthropic\n"
        "      model: claude-sonnet-4-5\n"
        "    sop_file: ../sops/invoice-triage.md\n"
        "    skills:\n"
        "      - pdf-reader\n"
        "    sub_agents:\n"
        "      - Vendor lookup\n"
        "    connections:\n"
        "      - Snowflake prod\n"
        "    options:\n"
        "      browserProvider: browserbase\n"
        "    revision_name: Q4 policy\n"
        "    revision_description: >-\n"
        "      Routes every invoice over the limit to a person before it is paid, and asks\n"
        "      the vendor lookup when a vendor is unknown.\n"
    )
    assert "cron '0 * * * *'" in triage
    assert (team / "sops/invoice-triage.md").read_text() == (
        "You triage invoices.\n\n1. Read the PDF.\n\t2. Check the vendor.  \n3. Route it.\n"
    )
    folders = (team / "folders/finance.yaml").read_text()
    assert folders.count("kind: Folder") == 4
    assert "  parent: Finance/Accounts Payable\n" not in folders  # unique names stay short
    assert "  parent: Accounts Payable\n" in folders
    operations = (team / "folders/operations.yaml").read_text()
    assert "metadata:\n  name: Reports\nspec:\n  parent: Operations\n" in operations
    assert (
        "folder: Operations/Reports"
        in (team / "assignments/reconciliation-quarterly-v2-2.yaml").read_text()
    )
    assert "name: 'yes'" in (team / "assignments/yes.yaml").read_text()
    assert (
        "name: 'Réconciliation / \"quarterly\": v2'"
        in (team / "assignments/reconciliation-quarterly-v2.yaml").read_text()
    )
    sheets = (team / "connections/sheets.yaml").read_text()
    assert f"auth_config_id: {COMPOSIO_PLACEHOLDER}" in sheets
    assert sheets.startswith("# auth_config_id cannot be read back")
    assert (
        "    flow: native\n    provider: gmail\n"
        in (team / "connections/ap-inbox.yaml").read_text()
    )
    snowflake = (team / "connections/snowflake-prod.yaml").read_text()
    assert "      Authorization:\n        env: SNOWFLAKE_PROD_AUTHORIZATION\n" in snowflake
    assert "    plaintext:\n      X-Org: acme\n" in snowflake
    duplicate = (team / "assignments/duplicate.yaml").read_text()
    assert "  id: " in duplicate  # the name is shared live: pinned to the oldest
    assert "The first one." in (team / "sops/duplicate.md").read_text()


def test_a_live_build_with_a_legacy_v1_config_is_written_in_the_v2_shape(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    emulator.seed({"agents": [{"name": "Old", "builds": [{"config": LEGACY}]}]})
    result = invoke(emulator, "import", "--out", "out")
    assert result.exit_code == 0, result.output
    assert "the live build has a legacy v1 config" in result.stderr
    assert "left out, as v2 has no place for them: temperature" in result.stderr
    assert invoke(emulator, "validate", "out").exit_code == 0
    text = (tmp_path / "out/assignments/old.yaml").read_text()
    assert "    model: gpt-4o\n    browsing:\n" in text
    plan = invoke(emulator, "plan", "out", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert "a legacy v1 config" in plan.stdout


def test_existing_files_are_never_overwritten_without_force(
    emulator: EmulatorControl, team: Path
) -> None:
    assert invoke(emulator, "import", "--out", "out").exit_code == 0
    mine = team / "assignments/escalations.yaml"
    mine.write_text("# my edits\n")
    again = invoke(emulator, "import", "--out", "out")
    assert again.exit_code == 2
    assert "files already exist" in again.stderr
    assert "nothing was written" in again.stderr
    assert mine.read_text() == "# my edits\n"
    forced = invoke(emulator, "import", "--out", "out", "--force")
    assert forced.exit_code == 0, forced.output
    assert mine.read_text().startswith("apiVersion: duvoform/v1\n")


def test_a_file_that_cannot_be_written_is_an_error_naming_it(
    emulator: EmulatorControl, team: Path
) -> None:
    team.mkdir()
    (team / "folders").write_text("a file where import puts a directory")
    result = invoke(emulator, "import", "--out", "out")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write out/folders/")
    assert "a file stands where a directory should be" in result.stderr
    assert "Traceback" not in result.output


def test_kind_and_folder_narrow_what_is_written(emulator: EmulatorControl, team: Path) -> None:
    result = invoke(
        emulator,
        "import",
        "--out",
        "out",
        "--folder",
        "Accounts Payable",
        "--kind",
        "folder",
        "--kind",
        "Assignment",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported 3 folders, 2 assignments and 0 connections")
    assert sorted(p.name for p in (team / "assignments").iterdir()) == [
        "invoice-triage.yaml",
        "vendor-lookup.yaml",
    ]
    assert not (team / "connections").exists()
    # references to what was not imported keep their names and are listed
    assert "note: Connection/Snowflake prod is referred to by Assignment/Invoice triage" in (
        result.stderr
    )
    finance = (team / "folders/finance.yaml").read_text()
    assert "name: Reports" not in finance  # outside the chosen subtree
    assert "name: Finance" in finance  # the parent, so that the subtree's parent resolves

    only = invoke(emulator, "import", "--out", "conns", "--kind", "Connection")
    assert only.exit_code == 0, only.output
    written = (team.parent / "conns").rglob("*.yaml")
    assert {p.parent.name for p in written if p.name != "duvoform.yaml"} == {"connections"}


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        (
            "Acounts Payable",
            'no live folder has that name or path; did you mean "Accounts Payable"?',
        ),
        ("Reports", '2 folders have that name ("Finance/Reports", "Operations/Reports")'),
    ],
)
def test_a_folder_that_names_nothing_or_several_is_an_error(
    emulator: EmulatorControl, team: Path, folder: str, message: str
) -> None:
    result = invoke(emulator, "import", "--out", "out", "--folder", folder)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not team.exists()


def test_a_team_of_1000_costs_at_most_15_requests_plus_one_per_connection_with_headers(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    connections = [
        {
            "name": f"MCP {i}",
            "server_url": f"https://mcp.example.com/{i}",
            "headers": {"secret": {"Authorization": SECRET}},
        }
        for i in range(3)
    ]
    connections.append({"name": "Inbox", "type": "gmail", "provider": "oauth"})
    agents = [
        {
            "name": f"Assignment {i:04d}",
            "folder": f"Team {i % 10}",
            "slack_enabled": i % 2 == 0,
            "builds": [
                {
                    "config": v2(sop=f"Handle batch {i}.\n"),
                    "integrations": [{"integration": f"MCP {i % 3}", "pins": [f"MCP {i % 3}"]}],
                }
            ],
        }
        for i in range(1000)
    ]
    emulator.seed(
        {
            "connections": connections,
            "folders": [{"name": f"Team {i}"} for i in range(10)],
            "agents": agents,
        }
    )
    emulator.clear_stats()
    result = invoke(emulator, "import", "--out", "out")
    assert result.exit_code == 0, result.output
    stats = emulator.stats()
    assert stats["by_route"] == {
        "GET /v1/agent-folders": 1,
        "GET /v1/agents": 10,
        "GET /v1/connections": 1,
        "GET /v1/connections/{connection_id}/credentials": 3,
    }
    assert stats["total"] <= 15 + 3
    assert stats["writes"] == 0
    assert f"; {stats['total']} API requests)." in result.stdout
    assert result.stdout.startswith("Imported 10 folders, 1000 assignments and 4 connections")
    assert (
        "connections:\n      - MCP 1\n"
        in (tmp_path / "out/assignments/assignment-0001.yaml").read_text()
    )


def test_an_empty_out_is_refused_not_taken_for_the_current_directory(
    emulator: EmulatorControl, team: Path
) -> None:
    before = sorted(p.name for p in team.parent.iterdir())
    emulator.clear_stats()
    result = invoke(emulator, "import", "--out", "")
    assert result.exit_code == 2
    assert "Invalid value for '--out': is empty" in result.stderr
    assert sorted(p.name for p in team.parent.iterdir()) == before
    assert emulator.stats()["total"] == 0


def test_a_team_duvoform_built_with_handovers_imports_to_no_changes(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The API never returns handover targets; a build duvoform made lists them in its name.
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "source"
    source.mkdir()
    (source / "team.yaml").write_text(
        "apiVersion: duvoform/v1\nkind: Assignment\nmetadata: {name: Intake}\nspec:\n"
        "  build: {model: gpt-5, sop: Sort the mail., handover_to: [Escalations, Billing]}\n"
        "---\napiVersion: duvoform/v1\nkind: Assignment\nmetadata: {name: Escalations}\n"
        "spec: {build: {model: gpt-5, sop: Handle escalations.}}\n"
        "---\napiVersion: duvoform/v1\nkind: Assignment\nmetadata: {name: Billing}\n"
        "spec: {build: {model: gpt-5, sop: Handle billing.}}\n"
    )
    assert invoke(emulator, "apply", "--auto-approve", "source").exit_code == 0
    imported = invoke(emulator, "import", "--out", "out")
    assert imported.exit_code == 0, imported.output
    intake = (tmp_path / "out/assignments/intake.yaml").read_text()
    assert "handover_to:\n      - Billing\n      - Escalations\n" in intake
    assert "Assignment/Intake: the live build was made by duvoform" not in imported.stderr
    planned = invoke(emulator, "plan", "--detailed-exitcode", "out")
    assert planned.exit_code == 0, planned.output

    # A target dropped from the manifest is a change the plan names, not a silent loss.
    intake_file = tmp_path / "out/assignments/intake.yaml"
    intake_file.write_text(intake.replace("      - Billing\n", ""))
    planned = invoke(emulator, "plan", "--detailed-exitcode", "out")
    assert planned.exit_code == 2
    assert 'build.handover_to: ["Billing", "Escalations"] -> ["Escalations"]' in planned.stdout


def test_text_that_looks_like_a_template_reads_back_as_itself(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Manifests are templates: written as they are, "{#v#}" would vanish from a name (and a
    # plan would then create a second assignment, which the API cannot delete).
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    sop = "Dear {{customer_name}},\n{% if late %}sorry{% endif %} {%- endraw -%}\n"
    emulator.seed(
        {
            "agents": [
                {
                    "name": "Report {#v#}2024",
                    "builds": [{"config": v2(sop=sop, skills=["{{ skill }}"])}],
                }
            ]
        }
    )
    result = invoke(emulator, "import", "--out", "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/sops/report-v-2024.md").read_text() == sop  # SOP files: verbatim
    assert invoke(emulator, "validate", "out").exit_code == 0
    planned = invoke(emulator, "plan", "--detailed-exitcode", "out")
    assert planned.exit_code == 0, planned.output

    shown = invoke(emulator, "show", "Assignment/Report {#v#}2024", "--format", "yaml")
    assert shown.exit_code == 0, shown.output
    (tmp_path / "shown").mkdir()
    (tmp_path / "shown/a.yaml").write_text(shown.stdout)
    assert invoke(emulator, "plan", "--detailed-exitcode", "shown").exit_code == 0
