"""Planning connections and wiring against hand-made live state (no API): what each case plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duvoform.api.models import ConnectionCredentials, Pin, Slot
from duvoform.engine.live import LiveState
from duvoform.engine.plan import Action
from duvoform.engine.planner import live_query
from duvoform.engine.steps import Op, build_key, ref, secret
from duvoform.errors import PlanError, SafetyError
from tests.engine.helpers import (
    agent,
    build,
    connection,
    desired_from,
    digest_name,
    live_state,
    plan_for,
    v2,
    write,
)
from tests.kinds.connection.helpers import assignment, custom, oauth

AGENT = "aaaaaaaa-0000-4000-8000-000000000001"
BUILD = "bbbbbbbb-0000-4000-8000-000000000001"
URL = "https://mcp.example.com/warehouse"
NATIVE = oauth("Inbox", {"flow": "native", "provider": "gmail"})


def _custom_live(ident: str = "c1", name: str = "Warehouse", **fields: Any) -> Any:
    base = {"type": "custom_mcp", "provider": "user", "server_url": URL, "auth_method": "url"}
    return connection(ident, name, **{**base, **fields})


def test_a_live_custom_connection_is_updated_with_one_patch(tmp_path: Path) -> None:
    files = {"c.yaml": custom(url=URL + "/v2", shared=True, metadata=", previous_names: [Old]")}
    live = live_state(connections=[_custom_live(name="Old")])
    result = plan_for(tmp_path, files, live)
    (change,) = result.plan.changes
    assert (change.action, change.live_id) == (Action.UPDATE, "c1")
    assert [f.path for f in change.fields] == ["name", "server_url", "shared"]
    (step,) = change.steps
    assert step.op is Op.CONNECTION_UPDATE
    assert step.params == {
        "connection": ref("Connection/Warehouse"),
        "body": {"name": "Warehouse", "server_url": URL + "/v2", "shared": True},
    }
    assert [(r.method, r.path) for r in change.requests] == [
        ("PATCH", "/v1/connections/{connection_id}")
    ]


def test_a_protected_connection_is_not_renamed(tmp_path: Path) -> None:
    files = {"c.yaml": custom(metadata=", previous_names: [Old], protected: true")}
    with pytest.raises(SafetyError, match="protected"):
        plan_for(tmp_path, files, live_state(connections=[_custom_live(name="Old")]))


def test_an_oauth_connection_is_renamed_and_shared_but_never_reconnected(tmp_path: Path) -> None:
    doc = oauth("Inbox", {"flow": "native", "provider": "gmail"}, shared=True)
    doc = doc.replace(
        'metadata: {name: "Inbox"}', 'metadata: {name: "Inbox", previous_names: [Mail]}'
    )
    live = live_state(connections=[connection("c1", "Mail", type="gmail", provider="oauth")])
    (change,) = plan_for(tmp_path, {"c.yaml": doc}, live).plan.changes
    assert change.steps[0].params["body"] == {"name": "Inbox", "shared": True}


@pytest.mark.parametrize(
    ("doc", "live", "words"),
    [
        (custom(), {"type": "gmail", "provider": "oauth"}, "is an OAuth connection"),
        (custom(), {"type": "custom_mcp", "auth_method": "oauth"}, "is an OAuth connection"),
        (NATIVE.replace("Inbox", "Warehouse"), {"type": "outlook"}, 'of type "outlook"'),
        (
            oauth("Warehouse", {"flow": "mcp", "server_url": URL}),
            {"type": "custom_mcp", "server_url": URL, "auth_method": "headers"},
            'authenticated by "headers"',
        ),
        (
            oauth("Warehouse", {"flow": "mcp", "server_url": URL}),
            {"type": "custom_mcp", "server_url": URL + "/x", "auth_method": "oauth"},
            "tokens cannot move to another server",
        ),
    ],
    ids=["custom-vs-native", "custom-vs-mcp-oauth", "native-type", "mcp-vs-headers", "mcp-url"],
)
def test_a_live_connection_of_another_kind_is_a_warning_and_left_alone(
    tmp_path: Path, doc: str, live: dict[str, Any], words: str
) -> None:
    result = plan_for(
        tmp_path, {"c.yaml": doc}, live_state(connections=[connection("c1", "Warehouse", **live)])
    )
    assert not result.plan.has_changes
    (warning,) = result.plan.warnings
    assert warning.startswith("Connection/Warehouse: the live connection c1")
    assert words in warning
    assert result.plan.unchanged == 1


def test_rotation_names_are_checked(tmp_path: Path) -> None:
    files = {
        "c.yaml": custom(secret={"A": {"env": "X"}}) + "---\n" + custom("Open", url=URL + "/o")
    }
    live = live_state(
        connections=[_custom_live(), _custom_live("c2", "Open", server_url=URL + "/o")]
    )
    with pytest.raises(PlanError) as caught:
        plan_for(tmp_path, files, live, rotate_secrets=frozenset({"Open", "Warehose", "Nope"}))
    text = caught.value.render()
    assert '"Open": the connection has no secret headers to rotate' in text
    assert (
        '"Warehose": no Connection of that name in the manifests; did you mean "Warehouse"?' in text
    )
    assert '"Nope"' in text


def test_rotating_a_connection_about_to_be_created_adds_nothing(tmp_path: Path) -> None:
    files = {"c.yaml": custom(secret={"A": {"env": "X"}})}
    result = plan_for(tmp_path, files, live_state(), rotate_secrets=True)
    (change,) = result.plan.changes
    assert change.action is Action.CREATE
    assert change.steps[0].params["body"]["headers"]["secret"] == {"A": secret({"env": "X"})}


def test_the_live_query_asks_only_for_what_manifests_declare(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "c.yaml": custom(plaintext={"X": "1"}, metadata=", previous_names: [Old]")
            + "---\n"
            + custom("Bare", url=URL + "/b")
            + "---\n"
            + NATIVE,
            "a.yaml": assignment("Wired", ["Bare"]) + "---\n" + assignment("Plain", [], sop="x"),
        },
    )
    query = live_query(desired_from(root))
    assert query.credentials_for == {"Warehouse", "Old"}
    assert query.slots_for == {"Wired"}


# -- wiring --------------------------------------------------------------------------------


def _wired_team(tmp_path: Path, connections: list[str]) -> dict[str, str]:
    docs = [custom("Alpha", url=URL + "/a"), custom("Beta", url=URL + "/b"), NATIVE]
    return {"c.yaml": "---\n".join(docs), "a.yaml": assignment("Lookup", connections)}


def _live(tmp_path: Path, files: dict[str, str], slots: dict[str, list[str]] | None) -> LiveState:
    """Alpha and Beta live (custom integrations ia, ib), Lookup with its digest build, and
    ``slots`` (integration id -> pinned connection ids) when they were read."""
    write(tmp_path, files)
    name = digest_name(tmp_path, "Lookup")
    live = live_state(
        agents=[agent(AGENT, "Lookup", build(BUILD, name, v2("Do the work.")))],
        connections=[
            _custom_live("ca", "Alpha", server_url=URL + "/a", custom_integration_id="ia"),
            _custom_live("cb", "Beta", server_url=URL + "/b", custom_integration_id="ib"),
        ],
    )
    if slots is not None:
        live.slots[(AGENT, BUILD)] = tuple(
            Slot(id=f"s-{i}", custom_integration_id=i) for i in slots
        )
        for i, pins in slots.items():
            live.pins[(AGENT, BUILD, f"s-{i}")] = tuple(Pin(connection_id=c) for c in pins)
    return live


def test_a_wired_build_is_unchanged(tmp_path: Path) -> None:
    files = _wired_team(tmp_path, ["Alpha", "Beta"])
    live = _live(tmp_path, files, {"ia": ["ca"], "ib": ["cb"], "other": ["x"]})
    result = plan_for(tmp_path, files, live)
    assert [c.address for c in result.plan.changes] == ["Connection/Inbox"]  # authorize only


def test_unread_slots_are_not_compared(tmp_path: Path) -> None:
    files = _wired_team(tmp_path, ["Alpha", "Beta"])
    result = plan_for(tmp_path, files, _live(tmp_path, files, None))
    assert [c.address for c in result.plan.changes] == ["Connection/Inbox"]


def test_only_what_is_missing_is_wired(tmp_path: Path) -> None:
    files = _wired_team(tmp_path, ["Alpha", "Beta"])
    result = plan_for(tmp_path, files, _live(tmp_path, files, {"ia": []}))
    (change,) = [c for c in result.plan.changes if c.kind == "Assignment"]
    assert change.action is Action.UPDATE
    (step,) = change.steps
    assert step.op is Op.BUILD_WIRE
    assert step.params == {
        "agent": ref("Assignment/Lookup"),
        "build": ref(build_key("Assignment/Lookup")),
        "integrations": [ref("Connection/Beta")],
        "pins": [
            {"integration": ref("Connection/Alpha"), "connection": ref("Connection/Alpha")},
            {"integration": ref("Connection/Beta"), "connection": ref("Connection/Beta")},
        ],
    }
    (field,) = change.fields
    assert (field.path, field.before, field.after) == ("build.connections", [], ["Alpha", "Beta"])
    assert result.ids[build_key("Assignment/Lookup")] == BUILD


def test_a_connection_waiting_for_a_person_is_wired_by_its_own_step(tmp_path: Path) -> None:
    files = _wired_team(tmp_path, ["Alpha", "Inbox"])
    result = plan_for(tmp_path, files, _live(tmp_path, files, {}))
    (change,) = [c for c in result.plan.changes if c.kind == "Assignment"]
    now, later = change.steps
    assert now.params["integrations"] == [ref("Connection/Alpha")]
    assert now.after == ()
    assert later.params["integrations"] == [ref("Connection/Inbox")]
    assert "Connection/Inbox#1" in later.after
    assert any('"Inbox" will be wired once a person has authorized it' in n for n in change.notes)


def test_a_connection_without_an_integration_id_is_a_warning(tmp_path: Path) -> None:
    files = _wired_team(tmp_path, ["Alpha"])
    live = _live(tmp_path, files, {})
    live.connections = (_custom_live("ca", "Alpha", server_url=URL + "/a"),)
    live.__post_init__()
    result = plan_for(tmp_path, files, live)
    assert any("has no integration id" in w for w in result.plan.warnings)
    assert not [c for c in result.plan.changes if c.kind == "Assignment"]


def test_a_new_build_is_wired_after_it_is_made(tmp_path: Path) -> None:
    files = _wired_team(tmp_path, ["Alpha"])
    live = _live(tmp_path, files, {"ia": ["ca"]})
    files["a.yaml"] = assignment("Lookup", ["Alpha", "Beta"])
    result = plan_for(tmp_path, files, live)
    (change,) = [c for c in result.plan.changes if c.kind == "Assignment"]
    assert change.action is Action.BUILD
    create, wire = change.steps
    assert (create.op, wire.op) == (Op.BUILD_CREATE, Op.BUILD_WIRE)
    assert create.params["source_build"] == BUILD
    assert wire.params["integrations"] == [ref("Connection/Alpha"), ref("Connection/Beta")]
    assert create.id in wire.after
    fields = {f.path: (f.before, f.after) for f in change.fields}
    assert fields["build.connections"] == (["Alpha"], ["Alpha", "Beta"])


def test_credentials_change_the_connection_fingerprint(tmp_path: Path) -> None:
    files = {"c.yaml": custom(plaintext={"X": "1"})}
    live = live_state(connections=[_custom_live(auth_method="headers", has_headers=True)])
    live.credentials["c1"] = ConnectionCredentials(id="c1", headers={"X": "1"})
    first = plan_for(tmp_path, files, live).fingerprints
    live.credentials["c1"] = ConnectionCredentials(id="c1", headers={"X": "1", "Y": ""})
    second = plan_for(tmp_path, files, live).fingerprints
    assert first.keys() == second.keys() == {"Connection/c1"}
    assert first != second
