"""End to end: deletes, renames and the safety rails through the real CLI against the emulator
over HTTP. The emulator's stats witness that a refused plan wrote nothing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke, names
from tests.engine.safety.helpers import (
    absent_doc,
    assignment_doc,
    cli_flags,
    custom_doc,
    docs,
    flag_combinations,
    folder_doc,
    seed_agent,
    seed_connection,
    uid,
)

DELETE_CONNECTION = "DELETE /v1/connections/{connection_id}"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    """A repository top in tmp_path, also the working directory (so ``.duvoform/`` is there)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    return tmp_path


def write(root: Path, files: dict[str, str]) -> str:
    """Write the manifests under ``root/manifests``, replacing what was there; return the dir."""
    manifests = root / "manifests"
    if manifests.exists():
        for old in manifests.iterdir():
            old.unlink()
    manifests.mkdir(exist_ok=True)
    for name, text in files.items():
        (manifests / name).write_text(text)
    return str(manifests)


def output(result: Any) -> str:
    return str(result.stdout) + str(result.stderr)


def deletes(emulator: EmulatorControl) -> int:
    routes = emulator.stats()["by_route"]
    return sum(n for route, n in routes.items() if route.startswith("DELETE "))


def tools(numbers: range) -> list[dict[str, Any]]:
    return [seed_connection(f"Tool {n:02d}") for n in numbers]


def test_removing_11_of_20_connections_is_refused_by_default_and_allowed_with_the_flag(
    emulator: EmulatorControl, root: Path
) -> None:
    emulator.seed({"connections": tools(range(1, 21))})
    kept = [custom_doc(f"Tool {n:02d}", f"tool-{n:02d}") for n in range(12, 21)]
    manifests = write(
        root, {"duvoform.yaml": "prune: {kinds: [Connection]}\n", "tools.yaml": docs(*kept)}
    )
    emulator.clear_stats()

    for command in (["apply", "--auto-approve"], ["plan", "--out", "plan.json"]):
        result = invoke(emulator, *command, manifests, "--prune")
        assert result.exit_code == 1, output(result)
        assert "Traceback" not in output(result)
        assert "this plan would delete 11 of 20 live connections" in result.stderr
        assert "pass --allow-mass-delete" in result.stderr
    assert not Path("plan.json").exists()
    stats = emulator.stats()
    assert stats["writes"] == 0
    assert deletes(emulator) == 0
    assert len(emulator.state()["connections"]) == 20

    applied = invoke(
        emulator, "apply", "--auto-approve", manifests, "--prune", "--allow-mass-delete"
    )
    assert applied.exit_code == 0, output(applied)
    assert emulator.stats()["by_route"][DELETE_CONNECTION] == 11
    assert names(emulator, "connections") == Counter(f"Tool {n:02d}" for n in range(12, 21))

    again = invoke(emulator, "plan", "--detailed-exitcode", manifests, "--prune")
    assert again.exit_code == 0, output(again)


def test_a_saved_plan_records_the_flags_and_its_deletes_apply(
    emulator: EmulatorControl, root: Path
) -> None:
    emulator.seed({"connections": tools(range(1, 21))})
    gone = [absent_doc("Connection", f"Tool {n:02d}") for n in range(1, 12)]
    manifests = write(root, {"gone.yaml": docs(*gone)})
    refused = invoke(emulator, "plan", manifests, "--out", "plan.json")
    assert refused.exit_code == 1
    assert not Path("plan.json").exists()

    made = invoke(emulator, "plan", manifests, "--allow-mass-delete", "--out", "plan.json")
    assert made.exit_code == 0, output(made)
    saved = json.loads(Path("plan.json").read_text())
    assert saved["options"] == {
        "prune": False,
        "allow_mass_delete": True,
        "allow_nonempty_folder_delete": False,
        "allow_duplicate": False,
        "rotate_secrets": False,
    }
    assert saved["plan"]["summary"]["delete"] == 11
    emulator.clear_stats()
    applied = invoke(emulator, "apply", "plan.json")
    assert applied.exit_code == 0, output(applied)
    assert emulator.stats()["by_route"][DELETE_CONNECTION] == 11
    assert len(emulator.state()["connections"]) == 9


PROTECTED_MANIFESTS = {
    "duvoform.yaml": "prune: {kinds: [Folder, Connection]}\n",
    "protected.yaml": docs(
        absent_doc("Folder", "Legal hold", meta=", protected: true"),
        absent_doc("Connection", "Payroll", meta=", protected: true"),
        folder_doc("Treasury", meta=", previous_names: [Cash], protected: true"),
        custom_doc(
            "Warehouse", "warehouse", meta=", previous_names: [Old warehouse], protected: true"
        ),
        assignment_doc("Payroll run", meta=", previous_names: [Payroll bot], protected: true"),
    ),
}


def live_names(emulator: EmulatorControl) -> dict[str, list[tuple[str, str]]]:
    state = emulator.state()
    return {
        table: sorted((row["id"], row["name"]) for row in state[table])
        for table in ("folders", "connections", "agents")
    }


def test_no_combination_of_flags_deletes_or_renames_a_protected_object(
    emulator: EmulatorControl, root: Path
) -> None:
    legal = uid("folder:Legal hold")
    emulator.seed(
        {
            "folders": [
                {"id": legal, "name": "Legal hold", "parent": None},
                {"id": uid("folder:Cash"), "name": "Cash", "parent": None},
                {"id": uid("folder:Scratch"), "name": "Scratch", "parent": None},
            ],
            "connections": [
                seed_connection("Payroll"),
                seed_connection("Old warehouse", "warehouse"),
                seed_connection("Old CRM"),
            ],
            "agents": [seed_agent("Held", legal), seed_agent("Payroll bot")],
        }
    )
    manifests = write(root, PROTECTED_MANIFESTS)
    before = live_names(emulator)
    emulator.clear_stats()
    for options in flag_combinations():
        flags = cli_flags(options)
        for command in (["plan"], ["apply", "--auto-approve"]):
            result = invoke(emulator, *command, manifests, *flags)
            assert result.exit_code == 1, (flags, output(result))
            assert result.stderr.count("metadata.protected") == 5, (flags, result.stderr)
    assert emulator.stats()["writes"] == 0
    assert live_names(emulator) == before


def test_a_non_empty_folder_delete_lists_what_moves_and_needs_the_flag(
    emulator: EmulatorControl, root: Path
) -> None:
    sandbox, drafts = uid("folder:Sandbox"), uid("folder:Sandbox/Drafts")
    emulator.seed(
        {
            "folders": [
                {"id": sandbox, "name": "Sandbox", "parent": None},
                {"id": drafts, "name": "Drafts", "parent": sandbox},
            ],
            "agents": [seed_agent("Scratch pad", sandbox), seed_agent("Prototype", drafts)],
        }
    )
    manifests = write(root, {"folders.yaml": absent_doc("Folder", "Sandbox")})
    emulator.clear_stats()
    refused = invoke(emulator, "apply", "--auto-approve", manifests)
    assert refused.exit_code == 1
    assert (
        'Folder "Sandbox": Folder/Sandbox is not empty: 1 live assignment moves to the root '
        "folder: Scratch pad; 1 undeclared subfolder is deleted with it: Sandbox/Drafts; pass "
        "--allow-nonempty-folder-delete to delete it anyway"
    ) in refused.stderr
    assert emulator.stats()["writes"] == 0

    shown = invoke(emulator, "plan", manifests, "--allow-nonempty-folder-delete")
    assert "note: 1 live assignment moves to the root folder: Scratch pad" in shown.stdout
    applied = invoke(
        emulator, "apply", "--auto-approve", manifests, "--allow-nonempty-folder-delete"
    )
    assert applied.exit_code == 0, output(applied)
    state = emulator.state()
    assert state["folders"] == []
    assert {row["name"]: row["folder_id"] for row in state["agents"]} == {
        "Scratch pad": None,
        "Prototype": None,
    }
    again = invoke(emulator, "plan", "--detailed-exitcode", manifests)
    assert again.exit_code == 0, output(again)
    assert "2 live assignments are not in any manifest (unmanaged" in again.stdout


def test_a_rename_onto_a_live_name_is_an_error_before_any_write(
    emulator: EmulatorControl, root: Path
) -> None:
    bot = seed_agent("Invoice bot")
    emulator.seed({"agents": [bot, seed_agent("Invoice triage")]})
    manifests = write(root, {"a.yaml": assignment_doc("Invoice triage", meta=f", id: {bot['id']}")})
    emulator.clear_stats()
    for command in (["plan"], ["apply", "--auto-approve"]):
        result = invoke(emulator, *command, manifests)
        assert result.exit_code == 1
        assert (
            'renaming it from "Invoice bot" would give it the name "Invoice triage", which '
            "another live Assignment already has"
        ) in result.stderr
    assert emulator.stats()["writes"] == 0
    assert names(emulator, "agents") == {"Invoice bot": 1, "Invoice triage": 1}


def test_renames_through_previous_names_for_every_kind(
    emulator: EmulatorControl, root: Path
) -> None:
    old = {
        "team.yaml": docs(
            folder_doc("Finance and Ops"),
            folder_doc("AP", spec="parent: Finance and Ops"),
            custom_doc("Snowflake", "snowflake"),
            assignment_doc("Invoice bot", folder="AP"),
        )
    }
    created = invoke(emulator, "apply", "--auto-approve", write(root, old))
    assert created.exit_code == 0, output(created)
    ids = {table: dict(rows) for table, rows in live_names(emulator).items()}

    new = {
        "team.yaml": docs(
            folder_doc("Finance", meta=", previous_names: [Finance and Ops]"),
            folder_doc("Payables", meta=", previous_names: [AP]", spec="parent: Finance"),
            custom_doc("Snowflake prod", "snowflake", meta=", previous_names: [Snowflake]"),
            assignment_doc(
                "Invoice triage", meta=", previous_names: [Invoice bot]", folder="Payables"
            ),
        )
    }
    manifests = write(root, new)
    planned = invoke(emulator, "plan", manifests, "--format", "json")
    renames = {
        c["address"]: [(f["before"], f["after"]) for f in c["fields"] if f["path"] == "name"]
        for c in json.loads(planned.stdout)["changes"]
    }
    assert renames == {
        "Folder/Finance": [("Finance and Ops", "Finance")],
        "Folder/Finance/Payables": [("AP", "Payables")],
        "Connection/Snowflake prod": [("Snowflake", "Snowflake prod")],
        "Assignment/Invoice triage": [("Invoice bot", "Invoice triage")],
    }
    emulator.clear_stats()
    renamed = invoke(emulator, "apply", "--auto-approve", manifests)
    assert renamed.exit_code == 0, output(renamed)
    assert not any(r.startswith(("POST", "DELETE")) for r in emulator.stats()["by_route"])
    after = {table: dict(rows) for table, rows in live_names(emulator).items()}
    renamed_to = {
        "Finance and Ops": "Finance",
        "AP": "Payables",
        "Snowflake": "Snowflake prod",
        "Invoice bot": "Invoice triage",
    }
    for table, by_id in ids.items():
        assert {i: renamed_to[n] for i, n in by_id.items()} == after[table]  # same ids
    again = invoke(emulator, "plan", "--detailed-exitcode", manifests)
    assert again.exit_code == 0, output(again)


def test_an_absent_connection_is_deleted_once(emulator: EmulatorControl, root: Path) -> None:
    emulator.seed({"connections": [seed_connection("Old CRM"), seed_connection("Jira")]})
    manifests = write(root, {"c.yaml": absent_doc("Connection", "Old CRM")})
    first = invoke(emulator, "apply", "--auto-approve", manifests)
    assert first.exit_code == 0, output(first)
    assert "- Connection/Old CRM will be deleted" in first.stdout
    assert names(emulator, "connections") == {"Jira": 1}
    emulator.clear_stats()
    second = invoke(emulator, "apply", "--auto-approve", manifests)
    assert second.exit_code == 0, output(second)
    assert emulator.stats()["writes"] == 0
    assert "No changes" in second.stdout
