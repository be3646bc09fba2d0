"""Every served operation, driven over real HTTP, answers what ``openapi.json`` documents.

Each response (errors included) is validated against the operation's response schema for its
status code, with ``nullable`` honoured and objects closed to undocumented fields; a status
code the operation does not document fails the test. Every response carries the rate-limit
headers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from duvoform.emulator import EmulatorControl, catalog_id
from duvoform.emulator.app import API_ROUTES
from tests.emulator.spec import operations, validate_response
from tests.helpers import v2_config

GHOST = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


class Recorder:
    """Validates every API response as it arrives and remembers which statuses each
    operation returned."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], set[int]] = defaultdict(set)

    def hook(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        for name in RATE_HEADERS:
            assert response.headers.get(name, "").isdigit(), (name, request.url)
        operation = validate_response(
            request.method, request.url.path, response.status_code, response.json()
        )
        self.seen[(operation.method, operation.template)].add(response.status_code)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def api(emulator: EmulatorControl, recorder: Recorder) -> Iterator[httpx.Client]:
    with emulator.client(event_hooks={"response": [recorder.hook]}) as client:
        yield client


@pytest.fixture
def mate(emulator: EmulatorControl, recorder: Recorder) -> Iterator[httpx.Client]:
    emulator.add_key("teammate-key", "local")
    with emulator.client("teammate-key", event_hooks={"response": [recorder.hook]}) as client:
        yield client


def _expect(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.request.url, response.text)
    body: dict[str, Any] = response.json()
    return body


def _agents_and_builds(api: httpx.Client, emulator: EmulatorControl) -> dict[str, str]:
    _expect(api.get("/v1/agents"), 200)
    _expect(api.get("/v1/agents", params={"limit": 0}), 400)
    target = _expect(api.post("/v1/agents", json={"name": "Target"}), 201)["agent"]["id"]
    created = _expect(
        api.post(
            "/v1/agents", json={"name": "Main", "build": {"name": "b1", "config": v2_config()}}
        ),
        201,
    )
    agent, first = created["agent"]["id"], created["build"]["id"]
    _expect(api.post("/v1/agents", json={}), 400)
    _expect(api.get(f"/v1/agents/{agent}"), 200)
    _expect(api.get("/v1/agents/nope"), 400)
    _expect(api.get(f"/v1/agents/{GHOST}"), 404)
    _expect(api.patch(f"/v1/agents/{agent}", json={"pinned": True, "slack_enabled": True}), 200)
    _expect(api.patch(f"/v1/agents/{agent}", json={"name": ""}), 400)
    _expect(api.patch(f"/v1/agents/{GHOST}", json={"name": "x"}), 404)
    _expect(api.get("/v1/agents", params={"include_schedules": "true"}), 200)

    base = f"/v1/agents/{agent}/revisions"
    second = _expect(
        api.post(
            base, json={"name": "b2", "config": v2_config("two"), "handover_target_ids": [target]}
        ),
        201,
    )["build"]["id"]
    _expect(api.post(base, json={"name": ""}), 400)
    _expect(api.post(f"/v1/agents/{GHOST}/revisions", json={"name": "x"}), 404)
    _expect(api.get(base), 200)
    _expect(api.get(base, params={"offset": -1}), 400)
    _expect(api.get(f"/v1/agents/{GHOST}/revisions"), 404)
    _expect(api.get(f"{base}/{first}"), 200)
    _expect(api.get(f"{base}/bad"), 400)
    _expect(api.get(f"{base}/{GHOST}"), 404)
    _expect(api.get(f"/v1/revisions/{second}"), 200)
    _expect(api.get("/v1/revisions/bad"), 400)
    _expect(api.get(f"/v1/revisions/{GHOST}"), 404)
    _expect(
        api.patch(
            f"/v1/revisions/{first}", json={"revision_name": "Old", "handoverTargetIds": [target]}
        ),
        200,
    )
    _expect(api.patch(f"/v1/revisions/{first}", json={"config": {"version": "v3"}}), 400)
    _expect(api.patch(f"/v1/revisions/{GHOST}", json={}), 404)
    _expect(api.post(f"/v1/revisions/{second}/promote", json={}), 409)
    _expect(api.post(f"/v1/revisions/{first}/promote", json={"revision_description": None}), 200)
    _expect(api.post(f"/v1/revisions/{first}/promote", json={"revision_name": ""}), 400)
    _expect(api.post(f"/v1/revisions/{GHOST}/promote", json={}), 404)

    emulator.seed(
        {
            "agents": [
                {
                    "name": "Legacy",
                    "builds": [
                        {
                            "name": "old",
                            "config": {
                                "version": "v1",
                                "data": {
                                    "model": "gpt-4o",
                                    "tools": None,
                                    "input": "x",
                                    "files": [],
                                    "skills": [],
                                    "temperature": 0.2,
                                },
                            },
                        }
                    ],
                }
            ]
        }
    )
    emulator.seed_schedules(
        [
            {"agent": agent, "frequency": "weekly", "day": "monday"},
            {"agent": agent, "frequency": None, "cron": "0 * * * *"},
        ]
    )
    _expect(api.get("/v1/agents", params={"include_schedules": "true", "limit": 100}), 200)
    _expect(api.get(f"/v1/agents/{agent}/schedules"), 200)
    _expect(api.get("/v1/agents/bad/schedules"), 400)
    _expect(api.get(f"/v1/agents/{GHOST}/schedules"), 404)
    return {"agent": agent, "build": first, "second": second, "target": target}


def _connections(
    api: httpx.Client, mate: httpx.Client, emulator: EmulatorControl
) -> dict[str, str]:
    _expect(api.get("/v1/connections"), 200)
    _expect(api.get("/v1/connections", params={"limit": 500}), 400)
    body = {
        "name": "Snowflake",
        "provider": "user",
        "auth_method": "headers",
        "server_url": "https://mcp.example.com",
        "headers": {"plaintext": {"X-Org": "acme"}, "secret": {"Authorization": "Bearer s"}},
    }
    conn = _expect(api.post("/v1/connections", json=body), 201)
    _expect(api.post("/v1/connections", json={"name": "x"}), 400)
    _expect(api.post("/v1/connections", json={**body, "custom_integration_id": GHOST}), 404)
    _expect(api.get(f"/v1/connections/{conn['id']}"), 200)
    _expect(api.get("/v1/connections/bad"), 400)
    _expect(api.get(f"/v1/connections/{GHOST}"), 404)
    _expect(
        api.patch(
            f"/v1/connections/{conn['id']}",
            json={"shared": True, "headers": {"secret": {"Authorization": ""}}},
        ),
        200,
    )
    _expect(api.patch(f"/v1/connections/{conn['id']}", json={"auth_method": "magic"}), 400)
    _expect(api.patch(f"/v1/connections/{GHOST}", json={}), 404)
    _expect(mate.patch(f"/v1/connections/{conn['id']}", json={"name": "x"}), 403)
    _expect(api.get(f"/v1/connections/{conn['id']}/credentials"), 200)
    _expect(api.get("/v1/connections/bad/credentials"), 400)
    _expect(api.get(f"/v1/connections/{GHOST}/credentials"), 404)

    native = _expect(api.post("/v1/connections/oauth/native/gmail/start", json={}), 200)
    gmail = emulator.complete_oauth(native["authorization_url"])["connection_id"]
    _expect(api.post("/v1/connections/oauth/native/nope/start", json={}), 404)
    _expect(api.post("/v1/connections/oauth/native/gmail/start", json={"return_url": 5}), 400)
    _expect(
        api.post(
            "/v1/connections/oauth/mcp/check", json={"mcp_server_url": "https://mcp.linear.app"}
        ),
        200,
    )
    _expect(
        api.post(
            "/v1/connections/oauth/mcp/check", json={"mcp_server_url": "https://nodcr.example"}
        ),
        200,
    )
    _expect(api.post("/v1/connections/oauth/mcp/check", json={}), 400)
    mcp = _expect(
        api.post(
            "/v1/connections/oauth/mcp/start",
            json={"mcp_server_url": "https://mcp.linear.app", "name": "Linear"},
        ),
        200,
    )
    emulator.complete_oauth(mcp["authorization_url"])
    _expect(api.post("/v1/connections/oauth/mcp/start", json={"name": "x"}), 400)
    _expect(
        api.post("/v1/connections/mcp/probe", json={"server_url": "https://mcp.example.com"}), 200
    )
    _expect(api.post("/v1/connections/mcp/probe", json={"server_url": "https://down.invalid"}), 200)
    _expect(api.post("/v1/connections/mcp/probe", json={"server_url": 3}), 400)
    cb = "https://app.example/cb"
    start = _expect(
        api.post(
            "/v1/connections/composio/start", json={"auth_config_id": "a", "callback_url": cb}
        ),
        200,
    )
    _expect(
        api.post(
            "/v1/connections/composio/start",
            json={"auth_config_id": "a", "callback_url": cb, "auth_scheme": "API_KEY"},
        ),
        200,
    )
    _expect(api.post("/v1/connections/composio/start", json={"auth_config_id": ""}), 400)
    final = {
        "app": "slack",
        "integration_name": "Slack",
        "connected_account_id": start["connected_account_id"],
    }
    _expect(api.post("/v1/connections/composio/finalize", json=final), 400)
    emulator.complete_oauth(start["redirect_url"])
    _expect(api.post("/v1/connections/composio/finalize", json=final), 200)
    _expect(api.get("/v1/connections", params={"type": "gmail"}), 200)
    return {"conn": conn["id"], "custom": conn["custom_integration_id"], "gmail": gmail}


def _slots(api: httpx.Client, ids: dict[str, str]) -> None:
    base = f"/v1/agents/{ids['agent']}/revisions/{ids['second']}/integrations"
    attach = {"integration_ids": [catalog_id("gmail"), ids["custom"]]}
    _expect(api.post(base, json=attach), 201)
    _expect(api.post(base, json={"integration_ids": []}), 400)
    _expect(api.post(f"/v1/agents/{ids['agent']}/revisions/{GHOST}/integrations", json=attach), 404)
    _expect(api.get(base), 200)
    _expect(api.get(f"/v1/agents/{ids['agent']}/revisions/bad/integrations"), 400)
    _expect(api.get(f"/v1/agents/{GHOST}/revisions/{ids['second']}/integrations"), 404)
    slot = f"{base}/{ids['custom']}/connections"
    _expect(api.post(slot, json={"connection_id": ids["conn"]}), 201)
    _expect(api.post(slot, json={"connection_id": ids["conn"]}), 409)
    _expect(api.post(slot, json={"connection_id": "bad"}), 400)
    _expect(api.post(f"{base}/{GHOST}/connections", json={"connection_id": ids["conn"]}), 404)
    _expect(
        api.post(f"{base}/{catalog_id('gmail')}/connections", json={"connection_id": ids["gmail"]}),
        201,
    )
    _expect(api.get(slot), 200)
    _expect(api.get(f"{base}/bad/connections"), 400)
    _expect(api.get(f"{base}/{GHOST}/connections"), 404)
    _expect(api.get(f"/v1/agents/{ids['agent']}"), 200)
    _expect(api.get("/v1/agents"), 200)
    _expect(api.delete(f"{slot}/{ids['conn']}"), 200)
    _expect(api.delete(f"{slot}/{ids['conn']}"), 404)
    _expect(api.delete(f"{slot}/bad"), 400)
    _expect(api.delete(f"{base}/{ids['custom']}"), 200)
    _expect(api.delete(f"{base}/{ids['custom']}"), 404)
    _expect(api.delete(f"{base}/bad"), 400)


def _folders(api: httpx.Client, ids: dict[str, str]) -> None:
    _expect(api.get("/v1/agent-folders"), 200)
    parent = _expect(api.post("/v1/agent-folders", json={"name": "Finance"}), 201)["folder"]["id"]
    child = _expect(
        api.post("/v1/agent-folders", json={"name": "AP", "parent_folder_id": parent}), 201
    )["folder"]["id"]
    _expect(api.post("/v1/agent-folders", json={"name": ""}), 400)
    _expect(api.patch(f"/v1/agent-folders/{child}", json={"name": "Payables"}), 200)
    _expect(api.patch(f"/v1/agent-folders/{child}", json={"name": 5}), 400)
    _expect(api.patch(f"/v1/agent-folders/{GHOST}", json={"name": "x"}), 404)
    _expect(api.post(f"/v1/agent-folders/{child}/agents", json={"agent_ids": [ids["agent"]]}), 200)
    _expect(api.post(f"/v1/agent-folders/{child}/agents", json={"agent_ids": []}), 400)
    _expect(api.post(f"/v1/agent-folders/{GHOST}/agents", json={"agent_ids": [ids["agent"]]}), 404)
    move = {"agent_ids": [ids["target"]], "folder_id": parent}
    _expect(api.post("/v1/agent-folders/move-agents", json=move), 200)
    _expect(api.post("/v1/agent-folders/move-agents", json={"agent_ids": [ids["target"]]}), 400)
    _expect(api.post("/v1/agent-folders/move-agents", json={**move, "agent_ids": [GHOST]}), 404)
    _expect(api.get("/v1/agent-folders"), 200)
    _expect(api.delete(f"/v1/agent-folders/{parent}"), 400)
    _expect(api.delete("/v1/agent-folders/bad"), 400)
    _expect(api.delete(f"/v1/agent-folders/{parent}", params={"force": "true"}), 200)
    _expect(api.delete(f"/v1/agent-folders/{parent}"), 404)


def _deletes(api: httpx.Client, mate: httpx.Client, ids: dict[str, str]) -> None:
    _expect(mate.delete(f"/v1/connections/{ids['conn']}"), 403)
    _expect(api.delete(f"/v1/connections/{ids['conn']}"), 200)
    _expect(api.delete(f"/v1/connections/{ids['conn']}"), 404)
    _expect(api.delete("/v1/connections/bad"), 400)


def _concrete(template: str) -> str:
    return re.sub(r"\{provider\}", "gmail", re.sub(r"\{[a-z_]+_id\}", GHOST, template))


def _every_operation_once(
    emulator: EmulatorControl, recorder: Recorder, headers: dict[str, str]
) -> None:
    with httpx.Client(
        base_url=emulator.base_url, headers=headers, event_hooks={"response": [recorder.hook]}
    ) as raw:
        for operation in operations():
            raw.request(operation.method, _concrete(operation.template), json={})


def test_every_served_operation_conforms(
    api: httpx.Client, mate: httpx.Client, emulator: EmulatorControl, recorder: Recorder
) -> None:
    ids = _agents_and_builds(api, emulator)
    ids |= _connections(api, mate, emulator)
    _slots(api, ids)
    _folders(api, ids)
    _deletes(api, mate, ids)

    # unauthenticated, rate limited and failing: every operation, every documented error shape
    _every_operation_once(emulator, recorder, {})
    emulator.set_faults(error_rate=1.0, error_statuses=[500])
    _every_operation_once(emulator, recorder, emulator.headers)
    emulator.set_faults(burst_429=len(operations()))
    _every_operation_once(emulator, recorder, emulator.headers)

    served = {(m, r.path) for r in API_ROUTES for m in r.methods or () if m != "HEAD"}
    documented = {(op.method, op.template) for op in operations()}
    assert served == documented
    for key in sorted(documented):
        statuses = recorder.seen[key]
        assert any(200 <= s < 300 for s in statuses), (key, statuses)
        assert {401, 429, 500} <= statuses, (key, statuses)
    all_statuses = set().union(*recorder.seen.values())
    assert {200, 201, 400, 401, 403, 404, 409, 429, 500} <= all_statuses


def test_real_rate_limit_429_conforms(
    emulator: EmulatorControl, api: httpx.Client, recorder: Recorder
) -> None:
    emulator.set_rate_limit(1, 60)
    _expect(api.get("/v1/agent-folders"), 200)
    _expect(api.get("/v1/agent-folders"), 429)
    assert recorder.seen[("GET", "/v1/agent-folders")] == {200, 429}


def test_the_validator_catches_what_it_should() -> None:
    page = {"agents": [], "total": 0, "limit": 20, "offset": 0}
    validate_response("GET", "/v1/agents", 200, page)
    with pytest.raises(AssertionError, match="Additional properties"):
        validate_response("GET", "/v1/agents", 200, {**page, "cursor": None})
    with pytest.raises(AssertionError, match="'total' is a required property"):
        validate_response("GET", "/v1/agents", 200, {"agents": [], "limit": 20, "offset": 0})
    with pytest.raises(AssertionError, match="does not document"):
        validate_response("GET", "/v1/agent-folders", 404, {"error": "not_found"})
    with pytest.raises(AssertionError, match="agents/0"):
        validate_response("GET", "/v1/agents", 200, {**page, "agents": [{"id": 5}]})
    folder = {
        "id": GHOST,
        "name": "x",
        "team_id": GHOST,
        "parent_folder_id": None,
        "created_at": "t",
        "updated_at": "t",
    }
    validate_response("POST", "/v1/agent-folders", 201, {"folder": folder})
    with pytest.raises(AssertionError, match="parent_folder_id"):
        validate_response(
            "POST", "/v1/agent-folders", 201, {"folder": {**folder, "parent_folder_id": 3}}
        )
    with pytest.raises(AssertionError, match="uuid"):
        validate_response("POST", "/v1/agent-folders", 201, {"folder": {**folder, "id": "nope"}})
