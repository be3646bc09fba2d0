from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from duvoform.emulator import EmulatorControl
from tests.emulator.util import create_agent
from tests.helpers import v2_config


@pytest.fixture
def api(emulator: EmulatorControl) -> Iterator[httpx.Client]:
    with emulator.client() as client:
        yield client


def test_create_with_inline_build_returns_201_agent_and_live_build(api: httpx.Client) -> None:
    body = create_agent(api)
    agent, build = body["agent"], body["build"]
    assert agent["name"] == "Invoice triage"
    assert agent["latest_build"]["id"] == build["id"]
    assert build["status"] == "live"
    assert build["revision_number"] == 1
    assert build["agent_id"] == agent["id"]
    assert build["config"]["data"]["files"] == []
    assert build["config"]["data"]["subAgents"] == []
    assert agent["slack_enabled"] is None
    assert agent["folder_id"] is None
    assert agent["created_by"]["id"] == build["created_by"]


def test_create_without_build_has_no_latest_build(api: httpx.Client) -> None:
    response = api.post("/v1/agents", json={"name": "Bare"})
    assert response.status_code == 201
    body = response.json()
    assert "build" not in body
    assert body["agent"]["latest_build"] is None
    assert body["agent"]["integration_configs"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": 3}, "name"),
        ({"name": "x", "thread_id": "nope"}, "thread_id"),
        ({"name": "x", "build": {"config": v2_config()}}, "build.name"),
        (
            {"name": "x", "build": {"name": "b", "config": {"version": "v1", "data": {}}}},
            "build.config",
        ),
        (
            {"name": "x", "build": {"name": "b", "config": v2_config(subAgents=["not-a-uuid"])}},
            "build.config.data.subAgents[0]",
        ),
    ],
)
def test_create_validation_names_the_field(
    api: httpx.Client, body: dict[str, object], field: str
) -> None:
    response = api.post("/v1/agents", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "validation_error"
    assert error["message"].startswith(f"{field}")


def test_malformed_json_is_a_400(api: httpx.Client) -> None:
    response = api.post(
        "/v1/agents", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"


def test_unknown_sub_agent_is_refused(api: httpx.Client) -> None:
    ghost = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
    body = {"name": "x", "build": {"name": "b", "config": v2_config(subAgents=[ghost])}}
    response = api.post("/v1/agents", json=body)
    assert response.status_code == 400
    assert response.json()["message"].startswith("build.config.data.subAgents[0]: ")


def test_get_patch_and_pin(api: httpx.Client) -> None:
    agent_id = create_agent(api)["agent"]["id"]
    patch = {
        "name": "Renamed",
        "slack_enabled": True,
        "agentic_memory_enabled": False,
        "pinned": True,
    }
    response = api.patch(f"/v1/agents/{agent_id}", json=patch)
    assert response.status_code == 200
    agent = response.json()["agent"]
    assert agent["name"] == "Renamed"
    assert agent["slack_enabled"] is True
    assert agent["agentic_memory_enabled"] is False
    assert agent["microsoft_teams_enabled"] is None
    assert agent["pinned_at"] is not None
    fetched = api.get(f"/v1/agents/{agent_id}").json()["agent"]
    assert fetched == agent
    unpinned = api.patch(f"/v1/agents/{agent_id}", json={"pinned": False}).json()["agent"]
    assert unpinned["pinned_at"] is None


def test_thread_id_set_and_cleared_with_null(api: httpx.Client) -> None:
    agent_id = create_agent(api)["agent"]["id"]
    thread = "0b9a2b7e-2f7d-4d63-9c4d-6f0f0a4f9e11"
    assert (
        api.patch(f"/v1/agents/{agent_id}", json={"thread_id": thread}).json()["agent"]["thread_id"]
        == thread
    )
    assert (
        api.patch(f"/v1/agents/{agent_id}", json={"thread_id": None}).json()["agent"]["thread_id"]
        is None
    )


def test_patch_refuses_null_name(api: httpx.Client) -> None:
    agent_id = create_agent(api)["agent"]["id"]
    response = api.patch(f"/v1/agents/{agent_id}", json={"name": None})
    assert response.status_code == 400
    assert response.json()["message"].startswith("name: ")


def test_path_ids_must_be_uuids_and_unknown_ids_are_404(api: httpx.Client) -> None:
    bad = api.get("/v1/agents/123")
    assert bad.status_code == 400
    assert bad.json() == {"error": "validation_error", "message": "agent_id: must be a UUID"}
    missing = api.get("/v1/agents/3c90c3cc-0d44-4b50-8888-8dd25736052a")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"


def test_there_is_no_agent_delete(api: httpx.Client) -> None:
    agent_id = create_agent(api)["agent"]["id"]
    response = api.delete(f"/v1/agents/{agent_id}")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    allowed = set(response.headers["allow"].split(", "))
    assert allowed == {"GET", "HEAD", "PATCH"}  # every method the path serves
    assert api.get(f"/v1/agents/{agent_id}").status_code == 200
    assert set(api.put("/v1/agents").headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_pagination_edges(api: httpx.Client, emulator: EmulatorControl) -> None:
    emulator.seed({"agents": [{"name": f"agent {i:02d}"} for i in range(25)]})
    first = api.get("/v1/agents").json()
    assert (first["total"], first["limit"], first["offset"], len(first["agents"])) == (
        25,
        20,
        0,
        20,
    )
    last = api.get("/v1/agents", params={"offset": 20, "limit": 100}).json()
    assert [a["name"] for a in last["agents"]] == [f"agent {i:02d}" for i in range(20, 25)]
    beyond = api.get("/v1/agents", params={"offset": 500}).json()
    assert beyond["agents"] == []
    assert beyond["total"] == 25
    one = api.get("/v1/agents", params={"limit": 1, "offset": 24}).json()
    assert [a["name"] for a in one["agents"]] == ["agent 24"]
    for params in (
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"limit": "ten"},
        {"offset": "1.5"},
    ):
        response = api.get("/v1/agents", params=params)
        assert response.status_code == 400, params
        assert response.json()["message"].startswith(next(iter(params)))


def test_list_order_is_creation_order(api: httpx.Client) -> None:
    names = [f"n{i}" for i in range(5)]
    for name in reversed(names):
        create_agent(api, name)
    listed = [a["name"] for a in api.get("/v1/agents").json()["agents"]]
    assert listed == list(reversed(names))


def test_include_schedules_must_be_true_or_false(api: httpx.Client) -> None:
    assert api.get("/v1/agents", params={"include_schedules": "yes"}).status_code == 400
    create_agent(api)
    without = api.get("/v1/agents").json()["agents"][0]["latest_build"]
    assert "schedules" not in without
    with_ = api.get("/v1/agents", params={"include_schedules": "true"}).json()
    assert with_["agents"][0]["latest_build"]["schedules"] == []


def test_schedules_are_per_user_and_seeded(api: httpx.Client, emulator: EmulatorControl) -> None:
    agent = create_agent(api)["agent"]
    emulator.add_key("second-key", "local")
    emulator.seed_schedules(
        [
            {"agent": agent["id"], "frequency": "weekly", "day": "monday", "time": "08:30"},
            {"agent": "Invoice triage", "owner": "second-key", "timezone": "Europe/Prague"},
        ]
    )
    mine = api.get(f"/v1/agents/{agent['id']}/schedules").json()["schedules"]
    assert [(s["frequency"], s["day"], s["time"]) for s in mine] == [("weekly", "monday", "08:30")]
    assert mine[0]["build_id"] == agent["latest_build"]["id"]
    with emulator.client("second-key") as other:
        theirs = other.get(f"/v1/agents/{agent['id']}/schedules").json()["schedules"]
    assert [s["timezone"] for s in theirs] == ["Europe/Prague"]
    listed = api.get("/v1/agents", params={"include_schedules": "true"}).json()["agents"][0]
    assert [s["id"] for s in listed["latest_build"]["schedules"]] == [mine[0]["id"]]
