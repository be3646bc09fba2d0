from __future__ import annotations

from typing import Any

import httpx
import pytest

from duvoform.emulator import EmulatorControl, catalog_id
from tests.helpers import v2_config

AGENT_ID = "11111111-1111-4111-8111-111111111111"
BUILD_ID = "22222222-2222-4222-8222-222222222222"
FOLDER_ID = "33333333-3333-4333-8333-333333333333"
CONN_ID = "44444444-4444-4444-8444-444444444444"

LEGACY = {
    "version": "v1",
    "data": {"model": "gpt-4o", "tools": [], "input": "old sop", "files": [], "skills": []},
}


def _seed(emulator: EmulatorControl, data: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{emulator.base_url}/_emulator/seed", json=data)


def test_seed_with_fixed_ids_paths_legacy_configs_slots_and_schedules(
    emulator: EmulatorControl,
) -> None:
    result = emulator.seed(
        {
            "connections": [
                {
                    "id": CONN_ID,
                    "name": "Snowflake prod",
                    "server_url": "https://mcp.example.com",
                    "headers": {"secret": {"Authorization": "Bearer x"}},
                    "shared": True,
                },
            ],
            "folders": [
                {"id": FOLDER_ID, "name": "Finance"},
                {"name": "Payable", "parent": "Finance"},
            ],
            "agents": [
                {
                    "id": AGENT_ID,
                    "name": "Invoice triage",
                    "folder": "Finance/Payable",
                    "slack_enabled": True,
                    "pinned": True,
                    "builds": [
                        {"id": BUILD_ID, "name": "legacy", "config": LEGACY},
                        {
                            "name": "current",
                            "config": v2_config("new"),
                            "revision_name": "Q4",
                            "integrations": [
                                "gmail",
                                {"integration": "Snowflake prod", "pins": ["Snowflake prod"]},
                            ],
                        },
                    ],
                },
                {
                    "name": "Draft holder",
                    "builds": [
                        {"name": "a", "config": v2_config(), "status": "live"},
                        {"name": "b", "config": v2_config(), "status": "draft"},
                    ],
                },
            ],
            "schedules": [{"agent": "Invoice triage", "frequency": "hourly", "time": None}],
        }
    )
    assert result["folders"][0] == FOLDER_ID
    assert result["connections"] == [CONN_ID]
    assert result["agents"][0]["id"] == AGENT_ID
    assert result["agents"][0]["builds"][0] == BUILD_ID
    assert len(result["schedules"]) == 1
    with emulator.client() as api:
        agent = api.get(f"/v1/agents/{AGENT_ID}").json()["agent"]
        payable = next(
            f for f in api.get("/v1/agent-folders").json()["folders"] if f["name"] == "Payable"
        )
        assert payable["parent_folder_id"] == FOLDER_ID
        assert agent["folder_id"] == payable["id"]
        assert agent["slack_enabled"] is True
        assert agent["pinned_at"] is not None
        assert agent["latest_build"]["revision_name"] == "Q4"
        assert [
            (c["integration_type"], c["is_connected"]) for c in agent["integration_configs"]
        ] == [
            ("gmail", False),
            ("custom_mcp", True),
        ]
        assert agent["integration_configs"][0]["integration_id"] == catalog_id("gmail")
        legacy = api.get(f"/v1/revisions/{BUILD_ID}").json()["build"]
        assert legacy["config"] == LEGACY
        assert legacy["status"] == "historic"
        statuses = [
            b["status"]
            for b in api.get(f"/v1/agents/{result['agents'][1]['id']}/revisions").json()["builds"]
        ]
        assert statuses == ["live", "draft"]
        schedules = api.get(f"/v1/agents/{AGENT_ID}/schedules").json()["schedules"]
        assert schedules[0]["build_id"] == agent["latest_build"]["id"]
        assert schedules[0]["frequency"] == "hourly"
        creds = api.get(f"/v1/connections/{CONN_ID}/credentials").json()
        assert creds["headers"] == {"Authorization": ""}


@pytest.mark.parametrize(
    ("data", "start"),
    [
        ({"agents": [{"name": "x", "folder": "Nowhere"}]}, "agents[0].folder: "),
        ({"folders": [{"name": "B", "parent": "A"}, {"name": "A"}]}, "folders[0].parent: "),
        (
            {"agents": [{"name": "x", "builds": [{"config": {"version": "v3"}}]}]},
            "agents[0].builds[0].config: ",
        ),
        (
            {"agents": [{"name": "x", "builds": [{"config": {"version": "v2", "data": {}}}]}]},
            "agents[0].builds[0].config: ",
        ),
        ({"agents": [{"name": "x", "owner": "stranger"}]}, "agents[0].owner: "),
        ({"agents": [{"nmae": "typo"}]}, "agents[0]"),
        ({"schedules": [{"agent": "ghost"}]}, "schedules[0].agent: "),
    ],
)
def test_bad_seeds_are_refused_whole(
    emulator: EmulatorControl, data: dict[str, Any], start: str
) -> None:
    response = _seed(
        emulator, {"folders": [{"name": "Kept?"}], **data} if "folders" not in data else data
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_seed"
    assert response.json()["message"].startswith(start)
    assert emulator.state()["folders"] == []


def test_duplicate_fixed_id_is_a_conflict(emulator: EmulatorControl) -> None:
    emulator.seed({"agents": [{"id": AGENT_ID, "name": "a"}]})
    response = _seed(emulator, {"agents": [{"id": AGENT_ID, "name": "b"}]})
    assert response.status_code == 409


def test_seed_another_team(emulator: EmulatorControl) -> None:
    emulator.add_key("acme-key", "acme")
    emulator.seed({"team": "acme", "agents": [{"name": "Acme agent"}]})
    with emulator.client() as local, emulator.client("acme-key") as acme:
        assert local.get("/v1/agents").json()["total"] == 0
        assert acme.get("/v1/agents").json()["total"] == 1


def test_bulk_seed_of_5000_agents(emulator: EmulatorControl) -> None:
    cfg = v2_config("bulk")
    agents = [
        {"name": f"agent {i:05d}", "builds": [{"name": "b", "config": cfg}]} for i in range(5000)
    ]
    result = emulator.seed({"agents": agents})
    assert len(result["agents"]) == 5000
    with emulator.client() as api:
        page = api.get("/v1/agents", params={"limit": 100, "offset": 4900}).json()
    assert page["total"] == 5000
    assert page["agents"][-1]["name"] == "agent 04999"
    assert page["agents"][-1]["latest_build"]["status"] == "live"


def test_seed_schedules_route_shapes(emulator: EmulatorControl) -> None:
    emulator.seed({"agents": [{"name": "a", "builds": [{"config": v2_config()}]}]})
    one = httpx.post(f"{emulator.base_url}/_emulator/schedules", json={"agent": "a"})
    many = httpx.post(
        f"{emulator.base_url}/_emulator/schedules", json=[{"agent": "a"}, {"agent": "a"}]
    )
    assert (one.status_code, many.status_code) == (201, 201)
    assert len(many.json()["schedules"]) == 2
    assert len(emulator.state()["schedules"]) == 3
