"""Small builders shared by the emulator tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.helpers import v2_config


def create_agent(
    client: httpx.Client, name: str = "Invoice triage", **build: Any
) -> dict[str, Any]:
    """Create an agent with an inline first build; returns the 201 body."""
    body = {"name": name, "build": {"name": "first", "config": v2_config(), **build}}
    response = client.post("/v1/agents", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def create_connection(
    client: httpx.Client, name: str = "Snowflake prod", **extra: Any
) -> dict[str, Any]:
    """Create a custom MCP connection with a secret header; returns the 201 body."""
    body = {
        "name": name,
        "provider": "user",
        "auth_method": "headers",
        "server_url": "https://mcp.example.com/snowflake",
        "headers": {"plaintext": {"X-Org": "acme"}, "secret": {"Authorization": "Bearer s3cret"}},
        **extra,
    }
    response = client.post("/v1/connections", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
