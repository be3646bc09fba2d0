"""Going back promotes the build that exists, end to end against the emulator: when the desired
build equals an existing build of the assignment (same digest), the plan promotes it ("promote
build #N") and apply makes no new build; a newest build that is not the live one is a warning
naming both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from duvoform.emulator import EmulatorControl
from tests.kinds.connection.helpers import apply_ok, assignment, custom, run, write

ALPHA = custom("Alpha", url="https://mcp.example.com/alpha")
FIRST = "Do the work."
SECOND = "Do the work, then check it."


def _plan(emulator: EmulatorControl, root: Path) -> dict[str, Any]:
    result = run(emulator, "plan", "--format", "json", str(root))
    assert result.exit_code == 0, result.output
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


def _builds(emulator: EmulatorControl, agent: str) -> list[dict[str, Any]]:
    state = emulator.state()
    agent_id = next(a["id"] for a in state["agents"] if a["name"] == agent)
    builds = [b for b in state["builds"] if b["agent_id"] == agent_id]
    return sorted(builds, key=lambda b: int(b["revision_number"]))


def _live_number(emulator: EmulatorControl, agent: str) -> int:
    return next(
        int(b["revision_number"]) for b in _builds(emulator, agent) if b["status"] == "live"
    )


def _two_builds(emulator: EmulatorControl, work: Path, connections: list[str]) -> Path:
    """Lookup with build #1 (FIRST) and build #2 (SECOND, live); returns the manifests."""
    apply_ok(emulator, write(work, ALPHA, assignment("Lookup", connections, sop=FIRST)))
    root = write(work, ALPHA, assignment("Lookup", connections, sop=SECOND))
    apply_ok(emulator, root)
    assert [b["status"] for b in _builds(emulator, "Lookup")] == ["historic", "live"]
    return root


@pytest.mark.parametrize("connections", [[], ["Alpha"]], ids=["plain", "wired"])
def test_an_older_build_promoted_again_by_hand_is_put_back_by_promoting(
    emulator: EmulatorControl, work: Path, connections: list[str]
) -> None:
    root = _two_builds(emulator, work, connections)
    first, _ = _builds(emulator, "Lookup")
    with emulator.client() as http:
        assert http.post(f"/v1/revisions/{first['id']}/promote", json={}).status_code == 200
    assert _live_number(emulator, "Lookup") == 1

    plan = _plan(emulator, root)
    (change,) = plan["changes"]
    assert change["action"] == "update"
    assert "promote build #2" in " ".join(change["notes"])
    assert {"method": "POST", "path": "/v1/revisions/{build_id}/promote"} in change["requests"]
    assert {"method": "POST", "path": "/v1/agents/{agent_id}/revisions"} not in change["requests"]
    (warning,) = plan["warnings"]
    assert warning.startswith("Assignment/Lookup: its newest build #2 ")
    assert "live build #1" in warning
    text = run(emulator, "plan", str(root)).stdout
    assert "promote build #2" in text

    apply_ok(emulator, root)
    assert len(_builds(emulator, "Lookup")) == 2  # no new build
    assert _live_number(emulator, "Lookup") == 2
    again = run(emulator, "plan", "--detailed-exitcode", "--format", "json", str(root))
    assert again.exit_code == 0, again.stdout
    assert json.loads(again.stdout)["warnings"] == []


@pytest.mark.parametrize("connections", [[], ["Alpha"]], ids=["plain", "wired"])
def test_manifests_reverted_to_an_existing_builds_config_promote_that_build(
    emulator: EmulatorControl, work: Path, connections: list[str]
) -> None:
    _two_builds(emulator, work, connections)
    root = write(work, ALPHA, assignment("Lookup", connections, sop=FIRST))
    plan = _plan(emulator, root)
    (change,) = plan["changes"]
    assert "promote build #1" in " ".join(change["notes"])
    assert {"path": "build.sop", "before": SECOND, "after": FIRST} in change["fields"]
    assert {"method": "POST", "path": "/v1/agents/{agent_id}/revisions"} not in change["requests"]

    apply_ok(emulator, root)
    assert len(_builds(emulator, "Lookup")) == 2  # no new build
    assert _live_number(emulator, "Lookup") == 1
    after = run(emulator, "plan", "--detailed-exitcode", "--format", "json", str(root))
    assert after.exit_code == 0, after.stdout
    # The newest build (#2) is not the live one (#1) now: said, naming both.
    (warning,) = json.loads(after.stdout)["warnings"]
    assert warning.startswith("Assignment/Lookup: its newest build #2 ")
    assert "live build #1" in warning
