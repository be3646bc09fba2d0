from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from duvoform.emulator import EmulatorControl
from tests.emulator.util import create_agent

GHOST = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


@pytest.fixture
def api(emulator: EmulatorControl) -> Iterator[httpx.Client]:
    with emulator.client() as client:
        yield client


def _folder(api: httpx.Client, name: str, parent: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name}
    if parent is not None:
        body["parent_folder_id"] = parent
    response = api.post("/v1/agent-folders", json=body)
    assert response.status_code == 201, response.text
    folder: dict[str, Any] = response.json()["folder"]
    return folder


def _listed(api: httpx.Client) -> dict[str, dict[str, Any]]:
    response = api.get("/v1/agent-folders")
    assert response.status_code == 200
    return {f["name"]: f for f in response.json()["folders"]}


def test_nesting_and_counts(api: httpx.Client) -> None:
    finance = _folder(api, "Finance")
    payable = _folder(api, "Accounts Payable", finance["id"])
    assert payable["parent_folder_id"] == finance["id"]
    agent_id = create_agent(api)["agent"]["id"]
    moved = api.post(f"/v1/agent-folders/{payable['id']}/agents", json={"agent_ids": [agent_id]})
    assert moved.json() == {"success": True, "moved_count": 1}
    listed = _listed(api)
    assert (listed["Finance"]["agent_count"], listed["Finance"]["subfolder_count"]) == (0, 1)
    assert (
        listed["Accounts Payable"]["agent_count"],
        listed["Accounts Payable"]["subfolder_count"],
    ) == (1, 0)
    assert api.get(f"/v1/agents/{agent_id}").json()["agent"]["folder_id"] == payable["id"]


def test_update_renames_and_reparents(api: httpx.Client) -> None:
    a = _folder(api, "A")
    b = _folder(api, "B", a["id"])
    response = api.patch(
        f"/v1/agent-folders/{b['id']}", json={"name": "B2", "parent_folder_id": None}
    )
    assert response.status_code == 200
    assert response.json()["folder"]["name"] == "B2"
    assert response.json()["folder"]["parent_folder_id"] is None
    cycle = api.patch(f"/v1/agent-folders/{a['id']}", json={"parent_folder_id": a["id"]})
    assert cycle.status_code == 400
    assert cycle.json()["message"].startswith("parent_folder_id: ")


def test_unknown_parent_is_a_400_naming_the_field(api: httpx.Client) -> None:
    response = api.post("/v1/agent-folders", json={"name": "x", "parent_folder_id": GHOST})
    assert response.status_code == 400
    assert response.json()["message"].startswith("parent_folder_id: ")


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": 7}])
def test_folder_name_rules(api: httpx.Client, body: dict[str, Any]) -> None:
    response = api.post("/v1/agent-folders", json=body)
    assert response.status_code == 400
    assert response.json()["message"].startswith("name: ")


def test_delete_non_empty_folder_needs_force(api: httpx.Client) -> None:
    finance = _folder(api, "Finance")
    payable = _folder(api, "Payable", finance["id"])
    ids = [create_agent(api, f"a{i}")["agent"]["id"] for i in range(3)]
    api.post(
        "/v1/agent-folders/move-agents", json={"agent_ids": ids[:2], "folder_id": finance["id"]}
    )
    api.post(
        "/v1/agent-folders/move-agents", json={"agent_ids": ids[2:], "folder_id": payable["id"]}
    )
    refused = api.delete(f"/v1/agent-folders/{finance['id']}")
    assert refused.status_code == 400
    body = refused.json()
    assert body["error"] == "folder_not_empty"
    assert body["has_contents"] is True
    assert body["agent_count"] == 3
    assert set(_listed(api)) == {"Finance", "Payable"}
    not_forced = api.delete(f"/v1/agent-folders/{finance['id']}", params={"force": "yes"})
    assert not_forced.status_code == 400
    forced = api.delete(f"/v1/agent-folders/{finance['id']}", params={"force": "true"})
    assert forced.status_code == 200
    assert forced.json() == {"success": True}
    assert _listed(api) == {}
    for agent_id in ids:
        assert api.get(f"/v1/agents/{agent_id}").json()["agent"]["folder_id"] is None


def test_folder_with_only_subfolders_is_not_empty(api: httpx.Client) -> None:
    parent = _folder(api, "Parent")
    _folder(api, "Child", parent["id"])
    refused = api.delete(f"/v1/agent-folders/{parent['id']}")
    assert refused.status_code == 400
    assert (refused.json()["has_contents"], refused.json()["agent_count"]) == (True, 0)


def test_delete_empty_folder_and_unknown_folder(api: httpx.Client) -> None:
    empty = _folder(api, "Empty")
    assert api.delete(f"/v1/agent-folders/{empty['id']}").status_code == 200
    assert api.delete(f"/v1/agent-folders/{empty['id']}").status_code == 404
    assert api.patch(f"/v1/agent-folders/{GHOST}", json={"name": "x"}).status_code == 404


def test_move_agents_both_paths_and_moved_count(api: httpx.Client) -> None:
    folder = _folder(api, "Ops")
    ids = [create_agent(api, f"a{i}")["agent"]["id"] for i in range(2)]
    first = api.post(f"/v1/agent-folders/{folder['id']}/agents", json={"agent_ids": ids})
    assert first.json() == {"success": True, "moved_count": 2}
    again = api.post(
        "/v1/agent-folders/move-agents", json={"agent_ids": ids, "folder_id": folder["id"]}
    )
    assert again.json() == {"success": True, "moved_count": 0}
    to_root = api.post(
        "/v1/agent-folders/move-agents", json={"agent_ids": ids[:1], "folder_id": None}
    )
    assert to_root.json() == {"success": True, "moved_count": 1}
    assert api.get(f"/v1/agents/{ids[0]}").json()["agent"]["folder_id"] is None


@pytest.mark.parametrize(
    ("body", "status", "start"),
    [
        ({"agent_ids": [], "folder_id": None}, 400, "agent_ids: "),
        ({"agent_ids": ["x"], "folder_id": None}, 400, "agent_ids[0]: "),
        ({"agent_ids": [GHOST]}, 400, "folder_id: "),
        ({"agent_ids": [GHOST], "folder_id": None}, 404, "agent"),
    ],
)
def test_move_agents_errors(
    api: httpx.Client, body: dict[str, Any], status: int, start: str
) -> None:
    response = api.post("/v1/agent-folders/move-agents", json=body)
    assert response.status_code == status
    assert response.json()["message"].startswith(start)


def test_move_agents_must_be_unique_and_folder_must_exist(api: httpx.Client) -> None:
    agent_id = create_agent(api)["agent"]["id"]
    dup = api.post(
        "/v1/agent-folders/move-agents", json={"agent_ids": [agent_id, agent_id], "folder_id": None}
    )
    assert dup.status_code == 400
    missing = api.post(f"/v1/agent-folders/{GHOST}/agents", json={"agent_ids": [agent_id]})
    assert missing.status_code == 404
