"""Connection changes: custom MCP creates with secret markers, OAuth authorizations, identity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.api.models import ConnectionCredentials
from duvoform.engine.plan import Action
from duvoform.engine.steps import Op, secret
from duvoform.render import render_json
from tests.engine.helpers import connection, live_state, plan_for

CANARY = "canary-7f3e9b-do-not-print"
CUSTOM = """
apiVersion: duvoform/v1
kind: Connection
metadata: {name: ERP tools}
spec:
  type: custom_mcp
  server_url: https://mcp.example.com/erp
  shared: true
  headers:
    plaintext: {X-Org: acme}
    secret:
      Authorization: {env: ERP_TOKEN}
      X-Api-Key: {file: ../secrets/erp-key.txt}
"""
OAUTH = """
apiVersion: duvoform/v1
kind: Connection
metadata: {name: AP inbox}
spec:
  oauth: {flow: native, provider: gmail}
"""


def test_a_custom_mcp_connection_is_created_with_secret_markers_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ERP_TOKEN", CANARY)
    files = {"conns/custom.yaml": CUSTOM, "secrets/erp-key.txt": CANARY + "\n"}
    result = plan_for(tmp_path, files, live_state())
    (change,) = result.plan.changes
    assert change.action is Action.CREATE
    (step,) = change.steps
    assert step.op is Op.CONNECTION_CREATE
    assert step.params == {
        "body": {
            "name": "ERP tools",
            "provider": "user",
            "type": "custom_mcp",
            "auth_method": "headers",
            "server_url": "https://mcp.example.com/erp",
            "headers": {
                "plaintext": {"X-Org": "acme"},
                "secret": {
                    "Authorization": secret({"env": "ERP_TOKEN"}),
                    # relative to the manifest root, not to the manifest
                    "X-Api-Key": secret({"file": "secrets/erp-key.txt"}),
                },
            },
        },
        "shared": True,
    }
    assert [r.method for r in change.requests] == ["POST", "PATCH"]
    everything = render_json(result.plan) + json.dumps([s.to_json() for s in result.steps])
    assert CANARY not in everything
    assert {"kind": "Connection", "name": "ERP tools"} in result.expected_absent


def test_an_oauth_connection_needs_a_person(tmp_path: Path) -> None:
    result = plan_for(tmp_path, {"c.yaml": OAUTH}, live_state())
    (change,) = result.plan.changes
    assert change.action is Action.AUTHORIZE
    assert change.requests == ()
    assert change.steps[0].op is Op.CONNECTION_AUTHORIZE
    assert change.steps[0].params == {"name": "AP inbox", "flow": "native", "provider": "gmail"}
    assert 'duvoform connect "AP inbox"' in change.notes[0]


def test_live_connections_that_match_are_unchanged(tmp_path: Path) -> None:
    files = {"c/c.yaml": CUSTOM + "---\n" + OAUTH, "secrets/erp-key.txt": "x\n"}
    custom = connection(
        "c1",
        "ERP tools",
        type="custom_mcp",
        provider="user",
        server_url="https://mcp.example.com/erp",
        auth_method="headers",
        shared=True,
        has_headers=True,
    )
    oauth = connection("c2", "AP inbox", type="gmail", provider="oauth", auth_method="oauth")
    live = live_state(connections=[custom, oauth])
    live.credentials["c1"] = ConnectionCredentials(
        id="c1", headers={"X-Org": "acme", "Authorization": "", "X-Api-Key": ""}
    )
    result = plan_for(tmp_path, files, live)
    assert not result.plan.has_changes
    assert result.plan.unchanged == 2
    assert result.ids == {"Connection/ERP tools": "c1", "Connection/AP inbox": "c2"}
    assert set(result.fingerprints) == {"Connection/c1", "Connection/c2"}


def test_absent_connections(tmp_path: Path) -> None:
    gone = (
        "apiVersion: duvoform/v1\nkind: Connection\nmetadata: {name: Old}\nspec: {ensure: absent}\n"
    )
    assert not plan_for(tmp_path, {"c.yaml": gone}, live_state()).plan.has_changes
    live = live_state(connections=[connection("c1", "Old")])
    result = plan_for(tmp_path, {"c.yaml": gone}, live)
    (change,) = result.plan.changes  # a live one is deleted (tests/safety has the details)
    assert (change.address, change.action, change.live_id) == ("Connection/Old", "delete", "c1")
    assert not result.plan.warnings
