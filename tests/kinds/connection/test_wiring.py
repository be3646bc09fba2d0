"""Build wiring end to end: ``spec.build.connections`` attaches integration slots to a build and
pins the named connections; it is part of the build digest; drift in pins is put back; plan
files notice wiring and header changes made after the plan.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from duvoform.emulator import EmulatorControl
from duvoform.kinds import BuildSpec
from duvoform.kinds.assignment.digest import build_digest
from tests.kinds.connection.helpers import (
    apply_ok,
    assignment,
    connections,
    custom,
    routes,
    run,
    write,
)

A = custom("Alpha", url="https://mcp.example.com/alpha")
B = custom("Beta", url="https://mcp.example.com/beta", plaintext={"X-Org": "acme"})
PIN = "POST /v1/agents/{agent_id}/revisions/{build_id}/integrations/{integration_id}/connections"
ATTACH = "POST /v1/agents/{agent_id}/revisions/{build_id}/integrations"


def _live_build(emulator: EmulatorControl, agent: str) -> dict[str, Any]:
    state = emulator.state()
    agent_id = next(a["id"] for a in state["agents"] if a["name"] == agent)
    return next(b for b in state["builds"] if b["agent_id"] == agent_id and b["status"] == "live")


def _wiring(emulator: EmulatorControl, agent: str) -> dict[str, set[str]]:
    """custom integration id -> pinned connection ids, on the agent's live build."""
    state = emulator.state()
    build = _live_build(emulator, agent)
    slots = {s["id"]: s for s in state["slots"] if s["build_id"] == build["id"]}
    out: dict[str, set[str]] = {s["custom_integration_id"]: set() for s in slots.values()}
    for pin in state["slot_pins"]:
        if pin["slot_id"] in slots:
            out[slots[pin["slot_id"]]["custom_integration_id"]].add(pin["connection_id"])
    return out


def _expected(emulator: EmulatorControl, *names: str) -> dict[str, set[str]]:
    rows = connections(emulator)
    return {rows[n]["custom_integration_id"]: {rows[n]["id"]} for n in names}


def _no_changes(emulator: EmulatorControl, root: Path) -> None:
    plan = run(emulator, "plan", "--detailed-exitcode", str(root))
    assert plan.exit_code == 0, plan.stdout


def test_a_new_assignment_gets_a_slot_and_a_pin_for_each_connection(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, A, B, assignment("Lookup", ["Alpha", "Beta"]))
    plan = run(emulator, "plan", "--format", "json", str(root))
    (change,) = [c for c in json.loads(plan.stdout)["changes"] if c["kind"] == "Assignment"]
    assert {"method": "POST", "path": ATTACH.split(" ")[1]} in change["requests"]
    assert set(change["depends_on"]) >= {"Connection/Alpha", "Connection/Beta"}
    emulator.clear_stats()
    apply_ok(emulator, root)
    assert _wiring(emulator, "Lookup") == _expected(emulator, "Alpha", "Beta")
    # the connections were made by this apply, so their integrations are known: no lookup;
    # the build was made by it too, so its slots are not listed; one attach, one pin each
    assert "GET /v1/connections/{connection_id}" not in routes(emulator)
    assert ATTACH.replace("POST", "GET") not in routes(emulator)
    assert routes(emulator)[ATTACH] == 1
    assert routes(emulator)[PIN] == 2
    _no_changes(emulator, root)


def test_naming_another_connection_makes_a_new_build_that_keeps_the_old_wiring(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, A, B, assignment("Lookup", ["Alpha"]))
    apply_ok(emulator, root)
    first = _live_build(emulator, "Lookup")
    root = write(work, A, B, assignment("Lookup", ["Alpha", "Beta"]))
    plan = run(emulator, "plan", str(root))
    assert "± Assignment/Lookup will get a new build" in plan.stdout
    assert 'build.connections: ["Alpha"] -> ["Alpha", "Beta"]' in plan.stdout
    apply_ok(emulator, root)
    second = _live_build(emulator, "Lookup")
    assert second["id"] != first["id"]
    assert _wiring(emulator, "Lookup") == _expected(emulator, "Alpha", "Beta")
    _no_changes(emulator, root)


def test_connections_are_part_of_the_build_digest() -> None:
    base: dict[str, Any] = {"model": "claude-sonnet-4-6", "sop": "Do it."}
    one = BuildSpec.model_validate({**base, "connections": ["A", "B"]})
    same = BuildSpec.model_validate({**base, "connections": ["B", "A"]})
    other = BuildSpec.model_validate({**base, "connections": ["A"]})
    assert build_digest(one) == build_digest(same)
    assert build_digest(one) != build_digest(other)
    assert build_digest(other) != build_digest(BuildSpec.model_validate(base))


def test_a_pin_removed_outside_duvoform_is_put_back_with_one_request(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, A, B, assignment("Lookup", ["Alpha", "Beta"]))
    apply_ok(emulator, root)
    build = _live_build(emulator, "Lookup")
    alpha = connections(emulator)["Alpha"]
    agent_id = build["agent_id"]
    with emulator.client() as http:
        path = (
            f"/v1/agents/{agent_id}/revisions/{build['id']}/integrations/"
            f"{alpha['custom_integration_id']}/connections/{alpha['id']}"
        )
        assert http.delete(path).status_code == 200
    plan = run(emulator, "plan", "--detailed-exitcode", str(root))
    assert plan.exit_code == 2
    assert "~ Assignment/Lookup will be updated in place" in plan.stdout
    assert 'build.connections: ["Beta"] -> ["Alpha", "Beta"]' in plan.stdout
    emulator.clear_stats()
    apply_ok(emulator, root)
    assert routes(emulator).get(PIN) == 1
    assert routes(emulator).get(ATTACH, 0) == 0
    assert _live_build(emulator, "Lookup")["id"] == build["id"]  # wired in place, no new build
    assert _wiring(emulator, "Lookup") == _expected(emulator, "Alpha", "Beta")
    _no_changes(emulator, root)


def test_a_plan_reads_slots_and_credentials_only_where_manifests_ask(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(
        work,
        A,
        B,
        assignment("Lookup", ["Alpha", "Beta"]),
        assignment("Solo", [], sop="Alone."),
        assignment("Other", ["Alpha"], sop="Other."),
    )
    apply_ok(emulator, root)
    emulator.clear_stats()
    _no_changes(emulator, root)
    # 3 lists + Beta's credentials: slots come with the assignment list, pins are inferred
    assert emulator.stats()["total"] == 3 + 1


def test_a_saved_plan_is_fresh_until_wiring_or_header_names_change(
    emulator: EmulatorControl, work: Path, tmp_path: Path
) -> None:
    root = write(work, A, B, assignment("Lookup", ["Alpha", "Beta"]))
    apply_ok(emulator, root)
    root = write(work, A, B, assignment("Lookup", ["Alpha", "Beta"], sop="Do more work."))
    plan_file = tmp_path / "plan.json"
    assert run(emulator, "plan", "--out", str(plan_file), str(root)).exit_code == 0
    reads = json.loads(plan_file.read_text())["reads"]
    assert len(reads["credentials_for"]) == 1
    assert len(reads["slots_for"]) == 1

    # Someone removes a pin and adds a header between plan and apply.
    build = _live_build(emulator, "Lookup")
    beta = connections(emulator)["Beta"]
    with emulator.client() as http:
        path = (
            f"/v1/agents/{build['agent_id']}/revisions/{build['id']}/integrations/"
            f"{beta['custom_integration_id']}/connections/{beta['id']}"
        )
        assert http.delete(path).status_code == 200
        headers = {"headers": {"plaintext": {"X-Org": "acme", "X-New": "1"}}}
        assert http.patch(f"/v1/connections/{beta['id']}", json=headers).status_code == 200
    emulator.clear_stats()
    refused = run(emulator, "apply", str(plan_file))
    assert refused.exit_code == 1
    assert "Assignment/Lookup: changed since the plan" in refused.stderr
    assert "Connection/Beta: changed since the plan" in refused.stderr
    assert emulator.stats()["writes"] == 0

    fresh = tmp_path / "fresh.json"
    assert run(emulator, "plan", "--out", str(fresh), str(root)).exit_code == 0
    applied = run(emulator, "apply", str(fresh))
    assert applied.exit_code == 0, applied.output
    assert _wiring(emulator, "Lookup") == _expected(emulator, "Alpha", "Beta")
    _no_changes(emulator, root)


def test_a_connection_deleted_with_ensure_absent_leaves_no_slot_and_no_warning(
    emulator: EmulatorControl, work: Path
) -> None:
    # The new build copies the old one's slots; Beta's is removed from it, since duvoform
    # manages Beta and deletes it, so no slot is left that nobody pinned.
    root = write(work, A, B, assignment("Lookup", ["Alpha", "Beta"]))
    apply_ok(emulator, root)
    gone = "apiVersion: duvoform/v1\nkind: Connection\nmetadata: {name: Beta}\n"
    root = write(work, A, gone + "spec: {ensure: absent}\n", assignment("Lookup", ["Alpha"]))
    apply_ok(emulator, root)
    assert _wiring(emulator, "Lookup") == _expected(emulator, "Alpha")
    plan = run(emulator, "plan", "--format", "json", "--detailed-exitcode", str(root))
    assert plan.exit_code == 0, plan.stdout
    assert json.loads(plan.stdout)["warnings"] == []
