from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from duvoform.emulator import EmulatorControl, catalog_id
from tests.emulator.util import create_connection


@pytest.fixture
def api(emulator: EmulatorControl) -> Iterator[httpx.Client]:
    with emulator.client() as client:
        yield client


def _names(api: httpx.Client, kind: str | None = None) -> list[str]:
    params = {"type": kind} if kind else {}
    return [c["name"] for c in api.get("/v1/connections", params=params).json()["integrations"]]


def test_native_oauth_end_to_end(api: httpx.Client, emulator: EmulatorControl) -> None:
    start = api.post(
        "/v1/connections/oauth/native/gmail/start", json={"return_url": "https://app.example/done"}
    )
    assert start.status_code == 200
    url = start.json()["authorization_url"]
    assert url.startswith(f"{emulator.base_url}/_emulator/oauth/authorize?")
    assert _names(api) == []
    page = httpx.get(url)
    assert page.status_code == 200
    assert "Allow" in page.text
    done = emulator.complete_oauth(url, name="AP inbox")
    assert done["status"] == "authorized"
    assert done["return_url"] == "https://app.example/done"
    conn = api.get(f"/v1/connections/{done['connection_id']}").json()
    assert (conn["name"], conn["type"], conn["provider"]) == ("AP inbox", "gmail", "oauth")
    assert conn["has_oauth_tokens"] is True
    assert conn["auth_method"] == "oauth"
    assert conn["integration_id"] == catalog_id("gmail")
    assert _names(api, "gmail") == ["AP inbox"]
    again = httpx.get(
        f"{emulator.base_url}/_emulator/oauth/complete",
        params={"state": httpx.URL(url).params["state"]},
    )
    assert again.status_code == 400


def test_native_oauth_unknown_provider_is_404(api: httpx.Client) -> None:
    response = api.post("/v1/connections/oauth/native/myspace/start", json={})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_native_oauth_reconnect(api: httpx.Client, emulator: EmulatorControl) -> None:
    url = api.post("/v1/connections/oauth/native/outlook/start", json={}).json()[
        "authorization_url"
    ]
    conn_id = emulator.complete_oauth(url)["connection_id"]
    again = api.post(
        "/v1/connections/oauth/native/outlook/start", json={"reconnect_instance_id": conn_id}
    ).json()["authorization_url"]
    assert emulator.complete_oauth(again)["connection_id"] == conn_id
    assert len(_names(api)) == 1


def test_mcp_oauth_end_to_end(api: httpx.Client, emulator: EmulatorControl) -> None:
    check = api.post(
        "/v1/connections/oauth/mcp/check", json={"mcp_server_url": "https://mcp.linear.app/sse"}
    )
    assert check.json()["supports_dcr"] is True
    start = api.post(
        "/v1/connections/oauth/mcp/start",
        json={"mcp_server_url": "https://mcp.linear.app/sse", "name": "Linear"},
    )
    assert start.status_code == 200
    done = emulator.complete_oauth(start.json()["authorization_url"])
    conn = api.get(f"/v1/connections/{done['connection_id']}").json()
    assert (conn["type"], conn["auth_method"], conn["server_url"]) == (
        "custom_mcp",
        "oauth",
        "https://mcp.linear.app/sse",
    )
    assert conn["custom_integration_id"]


def test_mcp_without_dcr(api: httpx.Client) -> None:
    url = "https://nodcr.example.com/mcp"
    assert api.post("/v1/connections/oauth/mcp/check", json={"mcp_server_url": url}).json() == {
        "supports_dcr": False
    }
    start = api.post("/v1/connections/oauth/mcp/start", json={"mcp_server_url": url, "name": "x"})
    assert start.status_code == 400


def test_composio_end_to_end(api: httpx.Client, emulator: EmulatorControl) -> None:
    start = api.post(
        "/v1/connections/composio/start",
        json={"auth_config_id": "ac_123", "callback_url": "https://app.example/cb"},
    ).json()
    assert start["status"] == "INITIATED"
    account = start["connected_account_id"]
    body = {"app": "slack", "integration_name": "Team Slack", "connected_account_id": account}
    early = api.post("/v1/connections/composio/finalize", json=body)
    assert early.status_code == 400
    assert early.json()["message"].startswith("connected_account_id: ")
    assert emulator.complete_oauth(start["redirect_url"])["status"] == "ACTIVE"
    final = api.post("/v1/connections/composio/finalize", json=body)
    assert final.status_code == 200
    result = final.json()
    assert set(result) == {"integration_id", "mcp_url"}
    conn = api.get(f"/v1/connections/{result['integration_id']}").json()
    assert (conn["name"], conn["type"], conn["provider"]) == ("Team Slack", "slack", "composio")
    assert api.post("/v1/connections/composio/finalize", json=body).json() == result
    assert len(_names(api)) == 1


def test_composio_synchronous_scheme(api: httpx.Client) -> None:
    start = api.post(
        "/v1/connections/composio/start",
        json={
            "auth_config_id": "ac_1",
            "callback_url": "https://app.example/cb",
            "auth_scheme": "API_KEY",
            "auth_fields": {"api_key": "k"},
        },
    ).json()
    assert (start["redirect_url"], start["status"]) == (None, "ACTIVE")
    final = api.post(
        "/v1/connections/composio/finalize",
        json={
            "app": "exa",
            "integration_name": "Exa",
            "connected_account_id": start["connected_account_id"],
        },
    )
    assert final.status_code == 200


def test_composio_unknown_account_and_denied_consent(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    body = {"app": "slack", "integration_name": "x", "connected_account_id": "ca_nope"}
    assert api.post("/v1/connections/composio/finalize", json=body).status_code == 400
    start = api.post(
        "/v1/connections/composio/start",
        json={"auth_config_id": "a", "callback_url": "https://x.io/cb"},
    ).json()
    state = httpx.URL(start["redirect_url"]).params["state"]
    denied = httpx.get(f"{emulator.base_url}/_emulator/oauth/deny", params={"state": state})
    assert denied.json()["status"] == "FAILED"
    body["connected_account_id"] = start["connected_account_id"]
    assert "FAILED" in api.post("/v1/connections/composio/finalize", json=body).json()["message"]


@pytest.mark.parametrize(
    ("body", "success"),
    [
        ({"server_url": "https://mcp.example.com"}, True),
        ({"server_url": "https://down.invalid/mcp"}, False),
        ({"server_url": "https://unreachable.example.com"}, False),
        (
            {
                "server_url": "https://mcp.example.com",
                "headers": {"Authorization": "Bearer invalid"},
            },
            False,
        ),
        ({"server_url": "https://mcp.example.com", "headers": {"authorization": "bad"}}, False),
        ({"server_url": "https://mcp.example.com", "integration_slug": "notion"}, True),
    ],
)
def test_probe_is_deterministic(api: httpx.Client, body: dict[str, object], success: bool) -> None:
    first = api.post("/v1/connections/mcp/probe", json=body)
    assert first.status_code == 200
    assert first.json() == api.post("/v1/connections/mcp/probe", json=body).json()
    result = first.json()
    assert result["success"] is success
    if success:
        assert [t["name"] for t in result["tools"]]
    else:
        assert result["error"]


def test_probe_needs_a_server_url_and_composio_auth_fields_is_an_object(
    api: httpx.Client,
) -> None:
    # openapi.json: server_url is required in v1; auth_fields is an object (not nullable).
    probe = api.post("/v1/connections/mcp/probe", json={"integration_slug": "notion"})
    assert probe.status_code == 400
    assert probe.json()["message"].startswith("server_url")
    start = api.post(
        "/v1/connections/composio/start",
        json={"auth_config_id": "ac_1", "callback_url": "https://x.example", "auth_fields": None},
    )
    assert start.status_code == 400
    assert start.json()["message"].startswith("auth_fields")


def test_probe_writes_nothing(api: httpx.Client, emulator: EmulatorControl) -> None:
    create_connection(api)
    before = emulator.state()["connections"]
    api.post("/v1/connections/mcp/probe", json={"server_url": "https://mcp.example.com"})
    assert emulator.state()["connections"] == before
    assert emulator.stats()["writes"] == 1
    assert api.post("/v1/connections/mcp/probe", json={}).status_code == 400


def test_consent_routes_need_a_known_state(emulator: EmulatorControl) -> None:
    response = httpx.get(f"{emulator.base_url}/_emulator/oauth/complete", params={"state": "nope"})
    assert response.status_code == 404
