"""Integration slots stay clean in the builds duvoform makes, end to end against the emulator:
one pinned slot per listed connection; none for a managed connection the manifests dropped (or
this plan deletes); a slot whose connection is gone is replaced, not doubled, when the
connection is re-created; slots of connections duvoform does not manage stay and are reported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from duvoform.emulator import EmulatorControl
from tests.kinds.connection.helpers import assignment, connections, custom, run, write

ALPHA = custom("Alpha", url="https://mcp.example.com/alpha")
BETA = custom("Beta", url="https://mcp.example.com/beta")
PRUNE = "prune: {kinds: [Connection]}\n"


def _team(work: Path, *documents: str) -> Path:
    root = write(work, *documents)
    (root / "duvoform.yaml").write_text(PRUNE)
    return root


def _apply(emulator: EmulatorControl, root: Path, *flags: str) -> str:
    result = run(emulator, "apply", "--auto-approve", *flags, str(root))
    assert result.exit_code == 0, result.output
    return result.stdout


def _plan(emulator: EmulatorControl, root: Path, *flags: str) -> dict[str, Any]:
    result = run(emulator, "plan", "--format", "json", *flags, str(root))
    assert result.exit_code == 0, result.output
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


def _clean_and_quiet(emulator: EmulatorControl, root: Path, *flags: str) -> None:
    result = run(emulator, "plan", "--detailed-exitcode", "--format", "json", *flags, str(root))
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["warnings"] == []


def _slots(emulator: EmulatorControl, agent: str) -> list[tuple[str, list[str]]]:
    """(slot name, pinned connection names) of the agent's live build, sorted."""
    state = emulator.state()
    agent_id = next(a["id"] for a in state["agents"] if a["name"] == agent)
    build = next(b for b in state["builds"] if b["agent_id"] == agent_id and b["status"] == "live")
    names = {c["id"]: c["name"] for c in state["connections"]}
    out = []
    for slot in state["slots"]:
        if slot["build_id"] == build["id"]:
            pins = [
                names.get(p["connection_id"], p["connection_id"])
                for p in state["slot_pins"]
                if p["slot_id"] == slot["id"]
            ]
            out.append((slot["integration_name"], sorted(pins)))
    return sorted(out)


def _change(plan: dict[str, Any], address: str) -> dict[str, Any]:
    (change,) = [c for c in plan["changes"] if c["address"] == address]
    return change


def test_a_connection_dropped_from_the_build_loses_its_slot_in_the_new_build(
    emulator: EmulatorControl, work: Path
) -> None:
    _apply(emulator, _team(work, ALPHA, BETA, assignment("Lookup", ["Alpha", "Beta"])))
    assert _slots(emulator, "Lookup") == [("Alpha", ["Alpha"]), ("Beta", ["Beta"])]
    root = _team(work, ALPHA, BETA, assignment("Lookup", ["Alpha"]))
    plan = _plan(emulator, root)
    change = _change(plan, "Assignment/Lookup")
    assert change["action"] == "build"
    assert any('removes the integration slot "Beta"' in note for note in change["notes"])
    assert plan["warnings"] == []
    _apply(emulator, root)
    assert _slots(emulator, "Lookup") == [("Alpha", ["Alpha"])]
    _clean_and_quiet(emulator, root)


def test_a_pruned_connection_leaves_no_slot_and_no_warning_forever(
    emulator: EmulatorControl, work: Path
) -> None:
    _apply(emulator, _team(work, ALPHA, BETA, assignment("Lookup", ["Alpha", "Beta"])))
    root = _team(work, ALPHA, assignment("Lookup", ["Alpha"]))
    plan = _plan(emulator, root, "--prune")
    assert {c["address"]: c["action"] for c in plan["changes"]} == {
        "Assignment/Lookup": "build",
        "Connection/Beta": "delete",
    }
    assert plan["warnings"] == []
    _apply(emulator, root, "--prune")
    assert _slots(emulator, "Lookup") == [("Alpha", ["Alpha"])]
    _clean_and_quiet(emulator, root, "--prune")


def test_an_unmanaged_connections_slot_stays_is_reported_and_goes_when_pruned(
    emulator: EmulatorControl, work: Path
) -> None:
    _apply(emulator, _team(work, ALPHA, BETA, assignment("Lookup", ["Alpha", "Beta"])))
    # Beta leaves the manifests without --prune: duvoform no longer manages it, so the slot
    # stays (somebody may use it) and the plan says so.
    root = _team(work, ALPHA, assignment("Lookup", ["Alpha"]))
    plan = _plan(emulator, root)
    notes = _change(plan, "Assignment/Lookup")["notes"]
    assert any('keeps the integration slot "Beta"' in note for note in notes), notes
    _apply(emulator, root)
    assert _slots(emulator, "Lookup") == [("Alpha", ["Alpha"]), ("Beta", ["Beta"])]
    _clean_and_quiet(emulator, root)
    # --prune deletes Beta, and its slot goes with it (in place: the build is unchanged).
    plan = _plan(emulator, root, "--prune")
    assert _change(plan, "Assignment/Lookup")["action"] == "update"
    assert plan["warnings"] == []
    _apply(emulator, root, "--prune")
    assert _slots(emulator, "Lookup") == [("Alpha", ["Alpha"])]
    _clean_and_quiet(emulator, root, "--prune")


@pytest.mark.parametrize("new_build", [False, True], ids=["same-build", "new-build"])
def test_a_connection_deleted_by_hand_and_recreated_has_one_slot(
    emulator: EmulatorControl, work: Path, new_build: bool
) -> None:
    _apply(emulator, _team(work, ALPHA, assignment("Lookup", ["Alpha"])))
    alpha = connections(emulator)["Alpha"]
    with emulator.client() as http:
        assert http.delete(f"/v1/connections/{alpha['id']}").status_code == 200
    sop = "Do other work." if new_build else "Do the work."
    root = _team(work, ALPHA, assignment("Lookup", ["Alpha"], sop=sop))
    plan = _plan(emulator, root)
    notes = _change(plan, "Assignment/Lookup")["notes"]
    assert any('replaces the integration slot "Alpha"' in note for note in notes), notes
    _apply(emulator, root)
    assert _slots(emulator, "Lookup") == [("Alpha", ["Alpha"])]
    assert connections(emulator)["Alpha"]["id"] != alpha["id"]
    _clean_and_quiet(emulator, root)


def test_a_plan_that_leaves_an_unpinned_slot_says_so_before_the_apply(
    emulator: EmulatorControl, work: Path
) -> None:
    legacy = assignment("Legacy", ["Beta"], sop="Old work.")
    _apply(emulator, _team(work, ALPHA, BETA, assignment("Lookup", ["Alpha"]), legacy))
    # Legacy leaves the manifests (the API cannot delete assignments: it stays, unmanaged),
    # and Beta is pruned: Legacy's live build keeps Beta's slot with nothing pinned to it.
    root = _team(work, ALPHA, assignment("Lookup", ["Alpha"]))
    plan = _plan(emulator, root, "--prune")
    assert [c["address"] for c in plan["changes"]] == ["Connection/Beta"]
    (warning,) = plan["warnings"]
    assert warning.startswith("Connection/Beta: ")
    assert '"Legacy"' in warning
    assert "no connection of yours pinned" in warning
