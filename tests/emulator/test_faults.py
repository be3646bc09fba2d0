from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from duvoform.emulator import EmulatedDisconnect, EmulatorControl
from tests.helpers import v2_config


@pytest.fixture
def api(emulator: EmulatorControl) -> Iterator[httpx.Client]:
    with emulator.client() as client:
        yield client


AGENT = {"name": "Invoice triage", "build": {"name": "first", "config": v2_config()}}


def test_error_rate_answers_5xx_without_doing_anything(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    emulator.set_faults(error_rate=1.0, error_statuses=[503])
    response = api.post("/v1/agents", json=AGENT)
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"
    assert response.headers["x-ratelimit-limit"] == "300"
    assert emulator.state()["agents"] == []
    emulator.set_faults(error_rate=1.0, error_statuses=[500])
    assert api.get("/v1/agents").json()["error"] == "internal_error"
    stats = emulator.stats()
    assert stats["faults"]["error"] == 2
    assert stats["writes"] == 0


def test_burst_429_then_normal_service(api: httpx.Client, emulator: EmulatorControl) -> None:
    emulator.set_faults(burst_429=2, burst_retry_after=3)
    statuses = [api.get("/v1/agents") for _ in range(3)]
    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert statuses[0].headers["retry-after"] == "3"
    assert statuses[0].json()["error"] == "rate_limited"
    assert "x-ratelimit-remaining" in statuses[0].headers
    assert emulator.faults()["burst_429"] == 0
    stats = emulator.stats()
    assert stats["faults"]["burst_429"] == 2
    assert stats["rate_limited"] == 0
    assert stats["by_status"] == {"200": 1, "429": 2}


def test_reset_drops_the_connection_and_does_nothing(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    emulator.set_faults(reset_rate=1.0)
    with pytest.raises(httpx.TransportError):
        api.post("/v1/agents", json=AGENT)
    emulator.set_faults()
    assert emulator.state()["agents"] == []
    assert emulator.stats()["faults"]["reset"] == 1
    assert api.get("/v1/agents").status_code == 200


def test_commit_then_drop_writes_and_loses_the_response(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    emulator.set_faults(drop_after_commit_rate=1.0)
    assert api.get("/v1/agents").status_code == 200  # reads are not writes: never dropped
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/v1/agents", json=AGENT)
    emulator.set_faults()
    assert [a["name"] for a in emulator.state()["agents"]] == ["Invoice triage"]
    stats = emulator.stats()
    assert stats["writes"] == 1
    assert stats["faults"]["drop_after_commit"] == 1
    assert "201" not in stats["by_status"]


def test_refused_writes_are_not_dropped(api: httpx.Client, emulator: EmulatorControl) -> None:
    emulator.set_faults(drop_after_commit_rate=1.0)
    assert api.post("/v1/agents", json={}).status_code == 400
    assert emulator.stats()["faults"]["drop_after_commit"] == 0


def test_latency_delays_answers(api: httpx.Client, emulator: EmulatorControl) -> None:
    emulator.set_faults(latency_ms=400)
    with pytest.raises(httpx.ReadTimeout):
        api.get("/v1/agents", timeout=0.05)
    emulator.set_faults()
    assert api.get("/v1/agents", timeout=5).status_code == 200
    # the abandoned request is still being served; let it finish before the next test resets
    for _ in range(200):
        if sum(emulator.stats()["by_status"].values()) == 2:
            break
        time.sleep(0.01)
    assert emulator.stats()["by_status"] == {"200": 2}


def test_filters_limit_faults_to_routes_and_methods(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    emulator.set_faults(error_rate=1.0, routes=["POST /v1/agents"])
    assert api.get("/v1/agents").status_code == 200
    assert api.post("/v1/agents", json=AGENT).status_code in (500, 503)
    emulator.set_faults(error_rate=1.0, methods=["patch"], routes=["/v1/agents/{agent_id}"])
    agent = api.post("/v1/agents", json=AGENT).json()["agent"]
    assert api.get(f"/v1/agents/{agent['id']}").status_code == 200
    assert api.patch(f"/v1/agents/{agent['id']}", json={"name": "x"}).status_code in (500, 503)


def test_seeded_faults_repeat(api: httpx.Client, emulator: EmulatorControl) -> None:
    def run() -> list[int]:
        emulator.set_faults(error_rate=0.5, seed=7)
        return [api.get("/v1/agents").status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert {200} < set(first)


def test_fault_settings_are_validated(emulator: EmulatorControl) -> None:
    for body in ({"error_rate": 2}, {"error_statuses": [404]}, {"methods": ["FETCH"]}, {"nope": 1}):
        response = httpx.put(f"{emulator.base_url}/_emulator/faults", json=body)
        assert response.status_code == 400, body


def test_patch_merges_fault_settings(emulator: EmulatorControl) -> None:
    emulator.set_faults(latency_ms=5)
    merged = httpx.patch(f"{emulator.base_url}/_emulator/faults", json={"error_rate": 0.1}).json()
    assert (merged["latency_ms"], merged["error_rate"]) == (5, 0.1)
    emulator.reset()
    assert emulator.faults()["latency_ms"] == 0


async def test_in_process_a_reset_raises_connection_reset(emulator_app: Starlette) -> None:
    from duvoform.emulator import FaultSettings

    emulator_app.state.emulator.faults.configure(FaultSettings(reset_rate=1.0))
    transport = httpx.ASGITransport(app=emulator_app)
    headers = {"Authorization": "Bearer duvo-local-key"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://emulator", headers=headers
    ) as c:
        with pytest.raises(ConnectionResetError) as caught:
            await c.get("/v1/agents")
    assert isinstance(caught.value, EmulatedDisconnect)


async def test_in_process_commit_then_drop(emulator_app: Starlette) -> None:
    from duvoform.emulator import FaultSettings

    runtime = emulator_app.state.emulator
    runtime.faults.configure(FaultSettings(drop_after_commit_rate=1.0))
    transport = httpx.ASGITransport(app=emulator_app)
    headers = {"Authorization": "Bearer duvo-local-key"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://emulator", headers=headers
    ) as c:
        with pytest.raises(ConnectionResetError):
            await c.post("/v1/agents", json=AGENT)
    assert [row["name"] for row in runtime.store.dump()["agents"]] == ["Invoice triage"]
