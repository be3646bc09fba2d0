"""A create next to an unmanaged assignment that is probably the same one (renamed in the web
app) is named, with how to adopt it, and refused unless ``--allow-duplicate`` (issue 16,
item 4). Through the CLI, against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke, names
from tests.helpers import seeded_agent

DEAL_DESK = """\
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Deal desk}
spec:
  build: {model: claude-sonnet-4-6, sop: Do the work.}
"""
RENAMED = "Deal desk (renamed in UI)"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "duvoform.yaml").write_text("apiVersion: duvoform/v1\n")
    (tmp_path / "team.yaml").write_text(DEAL_DESK)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _rename_in_ui(emulator: EmulatorControl, old: str, new: str) -> str:
    agent_id = next(row["id"] for row in emulator.state()["agents"] if row["name"] == old)
    with emulator.client() as http:
        assert http.patch(f"/v1/agents/{agent_id}", json={"name": new}).status_code == 200
    return agent_id


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_renamed_assignment_running_this_build_is_named_and_its_duplicate_refused(
    emulator: EmulatorControl, root: Path
) -> None:
    assert invoke(emulator, "apply", "--auto-approve").exit_code == 0
    agent_id = _rename_in_ui(emulator, "Deal desk", RENAMED)
    emulator.clear_stats()

    refused = invoke(emulator, "plan")
    assert refused.exit_code == 1, refused.output
    message = _flat(refused.stderr)
    assert "team.yaml:3:" in message
    assert f'"{RENAMED}" (id {agent_id}) runs this manifest\'s build (same digest)' in message
    assert f'metadata.previous_names: ["{RENAMED}"]' in message
    assert f"metadata.id: {agent_id}" in message
    assert "--allow-duplicate" in message

    applied = invoke(emulator, "apply", "--auto-approve")
    assert applied.exit_code == 1
    assert "--allow-duplicate" in _flat(applied.stderr)
    assert emulator.stats()["writes"] == 0

    allowed = invoke(emulator, "plan", "--allow-duplicate", "--format", "json")
    assert allowed.exit_code == 0, allowed.output
    (change,) = json.loads(allowed.stdout)["changes"]
    assert change["action"] == "create"
    assert any("likely duplicate (--allow-duplicate)" in note for note in change["notes"])
    assert invoke(emulator, "apply", "--auto-approve", "--allow-duplicate").exit_code == 0
    assert names(emulator, "agents") == {"Deal desk": 1, RENAMED: 1}


def test_adopting_it_with_previous_names_renames_it_back(
    emulator: EmulatorControl, root: Path
) -> None:
    assert invoke(emulator, "apply", "--auto-approve").exit_code == 0
    _rename_in_ui(emulator, "Deal desk", RENAMED)
    (root / "team.yaml").write_text(
        DEAL_DESK.replace(
            "{name: Deal desk}", f'{{name: Deal desk, previous_names: ["{RENAMED}"]}}'
        )
    )
    assert invoke(emulator, "apply", "--auto-approve").exit_code == 0
    assert names(emulator, "agents") == {"Deal desk": 1}


def test_an_assignment_the_name_index_knew_under_this_name_is_named(
    emulator: EmulatorControl, root: Path
) -> None:
    # A build made in the web app carries no digest: only the name index knows it.
    emulator.seed({"agents": [seeded_agent("Deal desk")]})
    planned = invoke(emulator, "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output  # adopted; the plan remembers it
    agent_id = _rename_in_ui(emulator, "Deal desk", RENAMED)
    emulator.clear_stats()

    refused = invoke(emulator, "plan")
    assert refused.exit_code == 1, refused.output
    message = _flat(refused.stderr)
    assert (
        f'"{RENAMED}" (id {agent_id}) was called "Deal desk" when duvoform last listed the team'
    ) in message
    # No request beyond the lists an unchanged plan reads.
    assert emulator.stats()["writes"] == 0


def test_an_unrelated_unmanaged_assignment_does_not_block_a_create(
    emulator: EmulatorControl, root: Path
) -> None:
    emulator.seed({"agents": [seeded_agent("Someone else's", "Other work.")]})
    planned = invoke(emulator, "plan", "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "duplicate" not in planned.output
