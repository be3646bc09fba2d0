from __future__ import annotations

import httpx

from duvoform.emulator import EmulatorControl
from tests.emulator.util import create_agent


def test_stats_count_by_route_template_status_and_writes(emulator: EmulatorControl) -> None:
    with emulator.client() as api:
        agent = create_agent(api)["agent"]
        api.get(f"/v1/agents/{agent['id']}")
        api.get(f"/v1/agents/{create_agent(api, 'b')['agent']['id']}")
        api.patch(f"/v1/agents/{agent['id']}", json={"name": agent["name"]})  # no change
        api.post(f"/v1/agents/{agent['id']}/revisions", json={"name": "2"})
        api.get("/v1/nowhere")
    httpx.get(f"{emulator.base_url}/v1/agents")  # 401
    stats = emulator.stats()
    assert stats["total"] == 8
    assert stats["by_route"] == {
        "GET (unmatched)": 1,
        "GET /v1/agents": 1,
        "GET /v1/agents/{agent_id}": 2,
        "PATCH /v1/agents/{agent_id}": 1,
        "POST /v1/agents": 2,
        "POST /v1/agents/{agent_id}/revisions": 1,
    }
    assert stats["by_status"] == {"200": 3, "201": 3, "401": 1, "404": 1}
    assert stats["writes"] == 3
    assert stats["rate_limited"] == 0
    assert stats["faults"] == {"error": 0, "reset": 0, "drop_after_commit": 0, "burst_429": 0}


def test_clear_stats_keeps_state(emulator: EmulatorControl) -> None:
    with emulator.client() as api:
        create_agent(api)
    emulator.clear_stats()
    assert emulator.stats()["total"] == 0
    assert len(emulator.state()["agents"]) == 1


def test_reset_empties_state_and_stats(emulator: EmulatorControl) -> None:
    with emulator.client() as api:
        create_agent(api)
    emulator.reset()
    assert emulator.stats()["total"] == 0
    assert emulator.state()["agents"] == []
