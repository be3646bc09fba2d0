"""Bearer keys, teams and isolation."""

from __future__ import annotations

import httpx
import pytest

from duvoform.emulator import EmulatorControl, team_id_for
from tests.emulator.util import create_agent, create_connection
from tests.helpers import v2_config


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-key"},
        {"Authorization": "Basic ZHV2bzpkdXZv"},
        {"Authorization": "Bearer"},
        {"Authorization": "duvo-local-key"},
    ],
)
def test_missing_or_invalid_key_is_401_with_rate_headers(
    emulator: EmulatorControl, headers: dict[str, str]
) -> None:
    response = httpx.get(f"{emulator.base_url}/v1/agents", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "message": "missing or invalid API key"}
    for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
        assert response.headers[name].isdigit()


def test_scheme_is_case_insensitive(emulator: EmulatorControl) -> None:
    response = httpx.get(
        f"{emulator.base_url}/v1/agents", headers={"Authorization": "bearer duvo-local-key"}
    )
    assert response.status_code == 200


def test_unknown_path_with_a_key_is_404_without_is_401(emulator: EmulatorControl) -> None:
    assert httpx.get(f"{emulator.base_url}/v1/nothing").status_code == 401
    with emulator.client() as api:
        response = api.get("/v1/nothing")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_key_never_sees_or_touches_another_teams_objects(emulator: EmulatorControl) -> None:
    emulator.add_key("other-team-key", "acme")
    with emulator.client() as mine, emulator.client("other-team-key") as theirs:
        agent = create_agent(mine)["agent"]
        build_id = agent["latest_build"]["id"]
        conn = create_connection(mine)
        folder = mine.post("/v1/agent-folders", json={"name": "Mine"}).json()["folder"]
        assert agent["team_id"] == team_id_for("local")

        assert theirs.get("/v1/agents").json()["total"] == 0
        assert theirs.get("/v1/agent-folders").json()["folders"] == []
        assert theirs.get("/v1/connections").json()["integrations"] == []
        assert theirs.get(f"/v1/agents/{agent['id']}").status_code == 404
        assert theirs.patch(f"/v1/agents/{agent['id']}", json={"name": "x"}).status_code == 404
        assert theirs.get(f"/v1/revisions/{build_id}").status_code == 404
        assert theirs.post(f"/v1/revisions/{build_id}/promote", json={}).status_code == 404
        assert (
            theirs.patch(f"/v1/revisions/{build_id}", json={"revision_name": "x"}).status_code
            == 404
        )
        assert theirs.get(f"/v1/agents/{agent['id']}/revisions").status_code == 404
        assert (
            theirs.post(f"/v1/agents/{agent['id']}/revisions", json={"name": "x"}).status_code
            == 404
        )
        assert theirs.get(f"/v1/agents/{agent['id']}/schedules").status_code == 404
        assert theirs.get(f"/v1/connections/{conn['id']}").status_code == 404
        assert theirs.get(f"/v1/connections/{conn['id']}/credentials").status_code == 404
        assert theirs.delete(f"/v1/connections/{conn['id']}").status_code == 404
        assert (
            theirs.patch(f"/v1/agent-folders/{folder['id']}", json={"name": "x"}).status_code == 404
        )
        assert theirs.delete(f"/v1/agent-folders/{folder['id']}").status_code == 404
        moved = theirs.post(
            "/v1/agent-folders/move-agents", json={"agent_ids": [agent["id"]], "folder_id": None}
        )
        assert moved.status_code == 404
        sub = theirs.post(
            "/v1/agents",
            json={
                "name": "x",
                "build": {
                    "name": "b",
                    "config": v2_config(
                        "",
                        model="m",
                        browsing={"provider": "google", "model": "g"},
                        subAgents=[agent["id"]],
                    ),
                },
            },
        )
        assert sub.status_code == 400

        own = create_agent(theirs, "Theirs")["agent"]
        assert own["team_id"] == team_id_for("acme")
        assert [a["name"] for a in mine.get("/v1/agents").json()["agents"]] == ["Invoice triage"]
        assert mine.get(f"/v1/agents/{agent['id']}").json()["agent"]["name"] == "Invoice triage"


def test_keys_of_one_team_share_objects(emulator: EmulatorControl) -> None:
    emulator.add_key("second-key", "local")
    with emulator.client() as first, emulator.client("second-key") as second:
        agent = create_agent(first)["agent"]
        assert second.get(f"/v1/agents/{agent['id']}").status_code == 200
        renamed = second.patch(f"/v1/agents/{agent['id']}", json={"name": "By second"}).json()
        assert renamed["agent"]["updated_by"]["id"] != agent["created_by"]["id"]


def test_reset_forgets_added_keys(emulator: EmulatorControl) -> None:
    emulator.add_key("temporary", "local")
    emulator.reset()
    with emulator.client("temporary") as api:
        assert api.get("/v1/agents").status_code == 401


def test_emulator_routes_need_no_key(emulator: EmulatorControl) -> None:
    assert httpx.get(f"{emulator.base_url}/_emulator/health").json() == {"ok": True}
    spec = httpx.get(f"{emulator.base_url}/_emulator/openapi.json").json()
    assert spec["paths"]["/v1/agents"]["get"]["operationId"] == "listAgents"
