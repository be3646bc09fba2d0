"""Deletes: connections (``ensure: absent``, ``--prune``), prune scope, addresses of pruned
objects, what stays unmanaged, and the flags a plan file records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.api.models import Pin
from duvoform.engine.plan import Action
from duvoform.engine.planfile import plan_file_text, read_plan_file, write_plan_file
from duvoform.engine.planner import PlanOptions, plan_against
from duvoform.engine.prune import prune_addresses
from duvoform.engine.steps import Op, ref
from duvoform.errors import PlanFileError
from tests.engine.helpers import (
    agent,
    connection,
    desired_from,
    folder,
    live_state,
    plan_for,
    write,
)
from tests.engine.safety.helpers import (
    absent_doc,
    custom_doc,
    docs,
    flag_combinations,
    folder_doc,
    uid,
)

PRUNE_ALL = "prune: {kinds: [Folder, Connection]}\n"


def test_a_live_absent_connection_is_deleted(tmp_path: Path) -> None:
    files = {"c.yaml": absent_doc("Connection", "Old CRM")}
    live = live_state(
        connections=[
            connection(
                "c1", "Old CRM", type="custom_mcp", server_url="https://crm.example", shared=True
            )
        ]
    )
    result = plan_for(tmp_path, files, live)
    (change,) = result.plan.changes
    assert change.action is Action.DELETE
    assert change.address == "Connection/Old CRM"
    assert change.live_id == "c1"
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("name", "Old CRM", None),
        ("type", "custom_mcp", None),
        ("server_url", "https://crm.example", None),
        ("shared", True, None),
    ]
    assert [(r.method, r.path) for r in change.requests] == [
        ("DELETE", "/v1/connections/{connection_id}")
    ]
    assert change.notes == (
        "deleted because: ensure: absent",
        "Duvo also removes the triggers bound to this connection",
    )
    (step,) = change.steps
    assert (step.op, dict(step.params)) == (
        Op.CONNECTION_DELETE,
        {"connection": ref(change.address)},
    )
    assert result.ids["Connection/Old CRM"] == "c1"
    assert set(result.fingerprints) == {"Connection/c1"}  # a changed connection makes it stale
    assert result.plan.unchanged == 0
    assert not result.plan.warnings


def test_an_absent_connection_that_is_gone_is_unchanged_and_expected_absent(
    tmp_path: Path,
) -> None:
    result = plan_for(tmp_path, {"c.yaml": absent_doc("Connection", "Old CRM")}, live_state())
    assert not result.plan.has_changes
    assert result.plan.unchanged == 1
    assert result.expected_absent == ({"kind": "Connection", "name": "Old CRM"},)


def test_the_delete_names_the_builds_that_pin_the_connection(tmp_path: Path) -> None:
    live = live_state(agents=[agent("a1", "Invoice triage")], connections=[connection("c1", "X")])
    live.pins[("a1", "b1", "slot1")] = (Pin(connection_id="c1"),)
    live.pins[("a1", "b1", "slot2")] = (Pin(connection_id="other"),)
    result = plan_for(tmp_path, {"c.yaml": absent_doc("Connection", "X")}, live)
    (change,) = result.plan.changes
    assert change.notes[-1] == "it is pinned to the live builds of: Invoice triage"


def test_prune_deletes_undeclared_connections_only_in_prune_scope(tmp_path: Path) -> None:
    files = {"c.yaml": custom_doc("Keep", "keep")}
    live = live_state(
        connections=[
            connection("c1", "Keep", server_url="https://mcp.example.com/keep", auth_method="url"),
            connection("c2", "Old CRM"),
        ]
    )
    assert not plan_for(tmp_path, files, live, prune=True).plan.has_changes  # not in scope
    files["duvoform.yaml"] = "prune: {kinds: [Connection]}\n"
    assert not plan_for(tmp_path, files, live).plan.has_changes  # in scope, no --prune
    result = plan_for(tmp_path, files, live, prune=True)
    (change,) = result.plan.changes
    assert (change.address, change.action, change.live_id) == ("Connection/Old CRM", "delete", "c2")
    assert change.notes[0] == "deleted because: not in any manifest (--prune)"
    assert result.ids["Connection/Old CRM"] == "c2"
    assert "Connection/c2" in result.fingerprints


def test_pruned_objects_sharing_a_name_get_one_address_each(tmp_path: Path) -> None:
    pinned = uid("gmail-carol")
    files = {
        "duvoform.yaml": PRUNE_ALL,
        "c.yaml": docs(
            f"apiVersion: duvoform/v1\nkind: Connection\nmetadata: {{name: Mail, id: {pinned}}}\n"
            "spec: {oauth: {flow: native, provider: gmail}}\n",
            folder_doc("Archive", meta=f", id: {uid('a1')}"),
        ),
    }
    live = live_state(
        folders=[
            folder(uid("a1"), "Archive"),
            folder(uid("a2"), "Archive"),
            folder(uid("a3"), "Archive"),
        ],
        connections=[
            connection(pinned, "Mail", type="gmail", provider="gmail"),
            connection("g1", "Gmail"),
            connection("g2", "Gmail"),
            connection("m2", "Mail"),
            connection("s1", "Slack"),
        ],
    )
    with_ids = plan_for(tmp_path, files, live, prune=True)
    addresses = sorted(c.address for c in with_ids.plan.changes if c.action is Action.DELETE)
    folders = sorted([uid("a2"), uid("a3")])  # a1 is pinned by Folder/Archive
    assert addresses == sorted(
        [
            "Connection/Gmail (id g1)",
            "Connection/Gmail (id g2)",
            "Connection/Mail (id m2)",  # "Connection/Mail" is the pinned manifest's address
            "Connection/Slack",
            *(f"Folder/Archive (id {i})" for i in folders),
        ]
    )
    step_ids = [s.id for s in with_ids.steps]
    assert len(step_ids) == len(set(step_ids))
    assert with_ids.ids["Connection/Gmail (id g2)"] == "g2"


def test_prune_addresses() -> None:
    taken = {"Connection/A"}
    assert prune_addresses(
        "Connection", [("A", "1"), ("B", "2"), ("C", "3"), ("C", "4")], taken
    ) == [
        ("Connection/A (id 1)", "1"),
        ("Connection/B", "2"),
        ("Connection/C (id 3)", "3"),
        ("Connection/C (id 4)", "4"),
    ]
    assert "Connection/B" in taken


def test_unmanaged_assignments_are_never_deleted_and_reported(tmp_path: Path) -> None:
    files = {"duvoform.yaml": PRUNE_ALL, "f.yaml": folder_doc("Finance")}
    live = live_state(
        folders=[folder("f", "Finance")],
        agents=[
            agent(f"a{n}", f"Bot {n:02d}", folder_id="f" if n % 2 else None) for n in range(12)
        ],
    )
    for options in flag_combinations():
        result = plan_for(tmp_path, files, live, **options)
        assert not result.plan.has_changes, options
        assert result.plan.notes == (
            "12 live assignments are not in any manifest (unmanaged; the API cannot delete "
            'assignments): "Bot 00", "Bot 01", "Bot 02", "Bot 03", "Bot 04", "Bot 05", '
            '"Bot 06", "Bot 07", "Bot 08", "Bot 09" and 2 more',
        )


def test_what_prune_keeps_is_noted_when_pruning_is_in_play(tmp_path: Path) -> None:
    live = live_state(
        folders=[folder("f1", "Old"), folder("f2", "Older", "f1")],
        connections=[connection("c1", "Jira")],
    )
    files = {"f.yaml": folder_doc("Keep", spec="ensure: absent")}
    gone = 'Folder/Keep: ensure: absent, and no live folder is at "Keep"; nothing to delete'
    assert plan_for(tmp_path, files, live, prune=True).plan.notes == (
        gone,
        "2 live folders are not in any manifest (unmanaged; --prune leaves them: duvoform.yaml's "
        'prune.kinds does not list Folder): "Old", "Old/Older"',
        "1 live connection is not in any manifest (unmanaged; --prune leaves it: duvoform.yaml's "
        'prune.kinds does not list Connection): "Jira"',
    )
    assert plan_for(tmp_path, files, live).plan.notes == (gone,)  # pruning is not in play
    files["duvoform.yaml"] = "prune: {kinds: [Connection]}\n"
    assert plan_for(tmp_path, files, live).plan.notes == (
        gone,
        '1 live connection is not in any manifest (unmanaged; --prune would delete it): "Jira"',
    )


def test_a_plan_file_records_the_flags(tmp_path: Path) -> None:
    write(tmp_path / "m", {"duvoform.yaml": PRUNE_ALL, "c.yaml": custom_doc("Keep", "keep")})
    desired = desired_from(tmp_path / "m")
    live = live_state(
        connections=[
            connection("c1", "Keep", server_url="https://mcp.example.com/keep", auth_method="url"),
            connection("c2", "Old"),
        ]
    )
    options = PlanOptions(prune=True, allow_mass_delete=True)
    result = plan_against(desired, live, options)
    path = tmp_path / "plan.json"
    write_plan_file(path, result, api_url="http://localhost")
    doc = json.loads(path.read_text())
    assert doc["options"] == {
        "prune": True,
        "allow_mass_delete": True,
        "allow_nonempty_folder_delete": False,
        "allow_duplicate": False,
        "rotate_secrets": False,
    }
    read = read_plan_file(path)
    assert read.options == PlanOptions(prune=True, allow_mass_delete=True)
    assert [c.address for c in read.plan.changes] == ["Connection/Old"]
    del doc["options"]  # every plan file of this format records them
    path.write_text(plan_file_text(doc))
    with pytest.raises(PlanFileError, match="damaged"):
        read_plan_file(path)
