from __future__ import annotations

from typing import Any

import pytest

from duvoform.api.models import ConnectionCredentials
from duvoform.kinds import Connection
from duvoform.kinds.connection.mapping import (
    COMPOSIO_PLACEHOLDER,
    SecretVariable,
    connection_document,
    flavour,
)
from duvoform.kinds.document import Document, Skipped
from duvoform.kinds.names import UniqueNames
from tests.importer.helpers import connection


def mapped(
    live: Any, credentials: ConnectionCredentials | None = None, **kw: Any
) -> tuple[Document, tuple[SecretVariable, ...]]:
    result, variables = connection_document(live, credentials, **kw)
    assert isinstance(result, Document), result
    Connection.model_validate(result.data)
    return result, variables


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": "custom_mcp", "provider": "user", "server_url": "https://x"}, "custom_mcp"),
        ({"type": "gmail", "provider": "oauth", "auth_method": "oauth"}, "native"),
        (
            {
                "type": "linear",
                "provider": "user",
                "auth_method": "oauth",
                "server_url": "https://x",
            },
            "mcp",
        ),
        ({"type": "googlesheets", "provider": "composio", "server_url": "https://x"}, "composio"),
        ({"type": "slack", "composio_mcp_id": "ca_1"}, "composio"),
        ({"type": "slack", "oauth_provider": "slack"}, "native"),
        ({"type": "mystery", "provider": "else"}, "unknown"),
    ],
)
def test_which_flow_a_live_connection_came_from(fields: dict[str, Any], expected: str) -> None:
    assert flavour(connection("c", **fields)) == expected


def test_custom_mcp_headers_become_plaintext_values_and_secret_references() -> None:
    live = connection(
        "Snowflake prod",
        type="custom_mcp",
        provider="user",
        server_url="https://mcp.example.com/sf",
        auth_method="headers",
        shared=True,
        has_headers=True,
    )
    credentials = ConnectionCredentials(
        id="c", headers={"X-Org": "acme", "Authorization": "", "x-api-key": ""}
    )
    doc, variables = mapped(live, credentials)
    assert doc.data["spec"] == {
        "type": "custom_mcp",
        "server_url": "https://mcp.example.com/sf",
        "shared": True,
        "headers": {
            "plaintext": {"X-Org": "acme"},
            "secret": {
                "Authorization": {"env": "SNOWFLAKE_PROD_AUTHORIZATION"},
                "x-api-key": {"env": "SNOWFLAKE_PROD_X_API_KEY"},
            },
        },
    }
    assert variables == (
        SecretVariable("SNOWFLAKE_PROD_AUTHORIZATION", "Snowflake prod", "Authorization"),
        SecretVariable("SNOWFLAKE_PROD_X_API_KEY", "Snowflake prod", "x-api-key"),
    )


def test_suggested_variables_are_unique_across_an_import() -> None:
    names = UniqueNames("_")
    creds = ConnectionCredentials(id="c", headers={"Token": ""})
    kinds = {"type": "custom_mcp", "server_url": "https://x.example.com", "has_headers": True}
    _, first = mapped(connection("A b", **kinds), creds, variables=names)
    _, second = mapped(connection("A-B", **kinds), creds, variables=names)
    assert [v.name for v in (*first, *second)] == ["A_B_TOKEN", "A_B_TOKEN_2"]


def test_auth_method_is_written_only_when_it_is_not_the_default() -> None:
    plain, _ = mapped(connection("u", type="custom_mcp", server_url="https://x", auth_method="url"))
    assert "auth_method" not in plain.data["spec"]
    key, _ = mapped(
        connection("k", type="custom_mcp", server_url="https://x", auth_method="apikey")
    )
    assert key.data["spec"]["auth_method"] == "apikey"


def test_headers_not_read_are_a_note() -> None:
    doc, variables = mapped(
        connection("h", type="custom_mcp", server_url="https://x", has_headers=True)
    )
    assert variables == ()
    assert "header names were not read" in doc.notes[0]


def test_oauth_connections_become_oauth_specs() -> None:
    native, _ = mapped(connection("AP inbox", type="gmail", provider="oauth", shared=True))
    assert native.data["spec"] == {"oauth": {"flow": "native", "provider": "gmail"}, "shared": True}
    mcp, _ = mapped(
        connection(
            "Linear", type="linear", auth_method="oauth", server_url="https://mcp.linear.app"
        )
    )
    assert mcp.data["spec"] == {
        "oauth": {
            "flow": "mcp",
            "server_url": "https://mcp.linear.app",
            "integration_type": "linear",
        }
    }
    custom, _ = mapped(
        connection("Own", type="custom_mcp", auth_method="oauth", server_url="https://own.example")
    )
    assert custom.data["spec"] == {"oauth": {"flow": "mcp", "server_url": "https://own.example"}}
    composio, _ = mapped(connection("Sheets", type="googlesheets", provider="composio"))
    assert composio.data["spec"] == {
        "oauth": {"flow": "composio", "auth_config_id": COMPOSIO_PLACEHOLDER, "app": "googlesheets"}
    }
    assert composio.comments
    assert "placeholder" in composio.notes[0]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"type": "custom_mcp", "server_url": "http://plain.example"}, "https"),
        ({"type": "mystery", "provider": "else"}, "cannot tell"),
    ],
)
def test_connections_a_manifest_cannot_describe_are_skipped(
    fields: dict[str, Any], reason: str
) -> None:
    result, variables = connection_document(connection("c", **fields), None)
    assert isinstance(result, Skipped)
    assert reason in result.reason
    assert variables == ()


def test_another_transport_is_a_note() -> None:
    doc, _ = mapped(
        connection("s", type="custom_mcp", server_url="https://x", transport_type="sse")
    )
    assert "transport" in doc.notes[0]
