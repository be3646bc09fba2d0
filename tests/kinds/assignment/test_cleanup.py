"""Which slots a plan removes: a catalog slot (Gmail) counts as a managed connection's only
when the caller pinned it, since colleagues' connections of that integration are not visible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from duvoform.emulator import EmulatorControl
from duvoform.emulator.catalog import catalog_id
from tests.kinds.connection.helpers import assignment, connections, oauth, run, write

INBOX = oauth("AP inbox", {"flow": "native", "provider": "gmail"})
GMAIL = catalog_id("gmail")


def _plan(emulator: EmulatorControl, root: Path) -> tuple[int, dict[str, Any]]:
    result = run(emulator, "plan", "--detailed-exitcode", "--format", "json", str(root))
    assert result.exit_code in (0, 2), result.output
    plan: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, plan


def _slot_count(emulator: EmulatorControl, build_id: str) -> int:
    return sum(1 for s in emulator.state()["slots"] if s["build_id"] == build_id)


def test_a_gmail_slot_is_removed_only_when_it_is_ours(
    emulator: EmulatorControl, work: Path
) -> None:
    emulator.seed({"connections": [{"name": "AP inbox", "type": "gmail", "provider": "oauth"}]})
    root = write(work, INBOX, assignment("Lookup", []))
    assert run(emulator, "apply", "--auto-approve", str(root)).exit_code == 0
    state = emulator.state()
    build = next(b for b in state["builds"] if b["status"] == "live")
    base = f"/v1/agents/{build['agent_id']}/revisions/{build['id']}/integrations"
    with emulator.client() as http:
        assert http.post(base, json={"integration_ids": [GMAIL]}).status_code == 201

    # Nobody's pin we can see: perhaps a colleague's Gmail. Kept, and warned about.
    code, plan = _plan(emulator, root)
    assert code == 0
    (warning,) = plan["warnings"]
    assert warning.startswith('Assignment/Lookup: the integration slot "Gmail" of its live build')

    # Our managed AP inbox pinned to it, and the manifest does not list it: removed in place.
    inbox = connections(emulator)["AP inbox"]
    with emulator.client() as http:
        pinned = http.post(f"{base}/{GMAIL}/connections", json={"connection_id": inbox["id"]})
        assert pinned.status_code == 201
    code, plan = _plan(emulator, root)
    assert code == 2
    (change,) = plan["changes"]
    assert change["action"] == "update"
    assert change["notes"] == [
        'removes the integration slot "Gmail" from its live build (the manifest does not list '
        "its connection)"
    ]
    assert {
        "method": "DELETE",
        "path": "/v1/agents/{agent_id}/revisions/{build_id}/integrations/{integration_id}",
    } in change["requests"]
    assert run(emulator, "apply", "--auto-approve", str(root)).exit_code == 0
    assert _slot_count(emulator, build["id"]) == 0
    code, plan = _plan(emulator, root)
    assert (code, plan["warnings"]) == (0, [])
