from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from duvoform.emulator import EmulatorControl
from tests.emulator.util import create_connection

SECRET = "Bearer s3cret"


@pytest.fixture
def api(emulator: EmulatorControl) -> Iterator[httpx.Client]:
    with emulator.client() as client:
        yield client


def _stored(emulator: EmulatorControl, connection_id: str) -> dict[str, Any]:
    rows = {row["id"]: row for row in emulator.state()["connections"]}
    return rows[connection_id]


def test_create_returns_the_connection_without_header_values(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    conn = create_connection(api)
    assert conn["type"] == "custom_mcp"
    assert conn["provider"] == "user"
    assert conn["has_headers"] is True
    assert conn["shared"] is False
    assert conn["custom_integration_id"]
    assert SECRET not in str(conn)
    assert "acme" not in str(conn)
    stored = _stored(emulator, conn["id"])
    assert stored["headers_secret"] == {"Authorization": SECRET}
    assert api.get(f"/v1/connections/{conn['id']}").json() == conn


def test_credentials_blank_secret_values(api: httpx.Client) -> None:
    conn = create_connection(api)
    response = api.get(f"/v1/connections/{conn['id']}/credentials")
    assert response.status_code == 200
    assert response.json() == {"id": conn["id"], "headers": {"Authorization": "", "X-Org": "acme"}}
    assert SECRET not in response.text


def test_patch_empty_secret_keeps_value_and_new_value_overwrites(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    conn = create_connection(api)
    kept = api.patch(
        f"/v1/connections/{conn['id']}",
        json={"headers": {"secret": {"Authorization": ""}, "plaintext": {"X-Org": "beta"}}},
    )
    assert kept.status_code == 200
    stored = _stored(emulator, conn["id"])
    assert stored["headers_secret"] == {"Authorization": SECRET}
    assert stored["headers_plain"] == {"X-Org": "beta"}
    api.patch(
        f"/v1/connections/{conn['id']}",
        json={"headers": {"secret": {"Authorization": "Bearer new"}}},
    )
    assert _stored(emulator, conn["id"])["headers_secret"] == {"Authorization": "Bearer new"}
    assert _stored(emulator, conn["id"])["headers_plain"] == {"X-Org": "beta"}
    refused = api.patch(
        f"/v1/connections/{conn['id']}", json={"headers": {"secret": {"X-Key": ""}}}
    )
    assert refused.status_code == 400
    assert refused.json()["message"].startswith("headers.secret.X-Key: ")


def test_patch_headers_null_removes_every_header(api: httpx.Client) -> None:
    conn = create_connection(api)
    updated = api.patch(f"/v1/connections/{conn['id']}", json={"headers": None}).json()
    assert updated["has_headers"] is False
    creds = api.get(f"/v1/connections/{conn['id']}/credentials").json()
    assert creds["headers"] == {}


def test_patch_fields_and_shared(api: httpx.Client) -> None:
    conn = create_connection(api)
    body = {
        "name": "Renamed",
        "server_url": "https://mcp.example.com/v2",
        "auth_method": "apikey",
        "shared": True,
    }
    updated = api.patch(f"/v1/connections/{conn['id']}", json=body).json()
    assert {k: updated[k] for k in body} == body
    assert updated["updated_at"] > conn["updated_at"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"provider": "user", "auth_method": "headers", "server_url": "https://x.io"}, "name"),
        ({"name": "x", "provider": "oauth", "auth_method": "headers"}, "provider"),
        ({"name": "x", "provider": "user", "auth_method": "magic"}, "auth_method"),
        (
            {"name": "x", "provider": "user", "auth_method": "url", "server_url": "ftp://x"},
            "server_url",
        ),
        ({"name": "x", "provider": "user", "auth_method": "url"}, "server_url"),
        (
            {
                "name": "x",
                "provider": "user",
                "auth_method": "url",
                "server_url": "https://x.io",
                "type": "gmail",
            },
            "type",
        ),
        (
            {
                "name": "x",
                "provider": "user",
                "auth_method": "headers",
                "server_url": "https://x.io",
                "headers": {"plaintext": {"A": "1"}, "secret": {"A": "2"}},
            },
            "headers",
        ),
    ],
)
def test_create_validation(api: httpx.Client, body: dict[str, Any], field: str) -> None:
    response = api.post("/v1/connections", json=body)
    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{field}")


def test_unknown_custom_integration_id_is_404(api: httpx.Client) -> None:
    conn = create_connection(api)
    twin = create_connection(api, "Twin", custom_integration_id=conn["custom_integration_id"])
    assert twin["custom_integration_id"] == conn["custom_integration_id"]
    response = api.post(
        "/v1/connections",
        json={
            "name": "x",
            "provider": "user",
            "auth_method": "url",
            "server_url": "https://x.io",
            "custom_integration_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        },
    )
    assert response.status_code == 404


def test_delete_removes_connection(api: httpx.Client) -> None:
    conn = create_connection(api)
    response = api.delete(f"/v1/connections/{conn['id']}")
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert isinstance(response.json()["message"], str)
    assert api.get(f"/v1/connections/{conn['id']}").status_code == 404
    assert api.delete(f"/v1/connections/{conn['id']}").status_code == 404


def test_list_filters_by_type_and_paginates(api: httpx.Client, emulator: EmulatorControl) -> None:
    for i in range(3):
        create_connection(api, f"c{i}")
    emulator.seed(
        {
            "connections": [
                {"name": "Inbox", "type": "gmail", "provider": "oauth", "auth_method": "oauth"}
            ]
        }
    )
    everything = api.get("/v1/connections").json()
    assert (everything["total"], everything["limit"], everything["offset"]) == (4, 100, 0)
    only_gmail = api.get("/v1/connections", params={"type": "gmail"}).json()
    assert [c["name"] for c in only_gmail["integrations"]] == ["Inbox"]
    page = api.get("/v1/connections", params={"limit": 2, "offset": 1}).json()
    assert [c["name"] for c in page["integrations"]] == ["c1", "c2"]
    assert api.get("/v1/connections", params={"limit": 0}).status_code == 400


def test_personal_connections_of_teammates_are_invisible_shared_ones_visible(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    emulator.add_key("teammate-key", "local")
    personal = create_connection(api, "Personal")
    shared = create_connection(api, "Shared")
    api.patch(f"/v1/connections/{shared['id']}", json={"shared": True})
    with emulator.client("teammate-key") as mate:
        names = [c["name"] for c in mate.get("/v1/connections").json()["integrations"]]
        assert names == ["Shared"]
        assert mate.get(f"/v1/connections/{personal['id']}").status_code == 404
        assert mate.get(f"/v1/connections/{shared['id']}").status_code == 200
        assert mate.patch(f"/v1/connections/{shared['id']}", json={"name": "x"}).status_code == 403
        assert mate.delete(f"/v1/connections/{shared['id']}").status_code == 403
