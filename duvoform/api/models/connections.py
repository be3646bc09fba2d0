"""Connections, their (redacted) credentials, and the results of the OAuth and probe flows."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from duvoform.api.models.base import NullableList, WireModel

__all__ = [
    "AuthorizationUrl",
    "ComposioFinalizeResult",
    "ComposioStartResult",
    "Connection",
    "ConnectionCredentials",
    "McpOAuthCheck",
    "McpProbeResult",
    "ProbedTool",
]


class Connection(WireModel):
    """An authorized instance of an integration, owned by the caller or shared with the team.

    Header values are never part of this object; ``has_headers`` only says whether any exist.
    """

    id: str
    name: str
    type: str | None = None
    provider: str | None = None
    user_id: str | None = None
    team_id: str | None = None
    composio_mcp_id: str | None = None
    server_url: str | None = None
    transport_type: str | None = None
    auth_method: str | None = None
    custom_integration_id: str | None = None
    icon_url: str | None = None
    oauth_provider: str | None = None
    oauth_provider_key: str | None = None
    oauth_scopes: NullableList[str] = Field(default_factory=list)
    has_headers: bool | None = None
    has_oauth_tokens: bool | None = None
    integration_id: str | None = None
    shared: bool | None = None
    created_by: str | None = None
    broken_at: str | None = None
    broken_reason: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class ConnectionCredentials(WireModel):
    """The configured headers of a connection: names, with every secret value blanked (``""``).

    Whether plaintext values are returned is not documented; whatever the API sends is kept.
    """

    id: str
    headers: dict[str, str] = Field(default_factory=dict)

    @property
    def header_names(self) -> frozenset[str]:
        """The configured header names (the only part of a secret header that can be read)."""
        return frozenset(self.headers)


class AuthorizationUrl(WireModel):
    """Where a person must go to authorize a connection."""

    authorization_url: str


class McpOAuthCheck(WireModel):
    """Whether an MCP server supports OAuth dynamic client registration."""

    supports_dcr: bool
    authorization_endpoint: str | None = None
    scopes: NullableList[str] = Field(default_factory=list)


class ProbedTool(WireModel):
    """A tool an MCP server offers."""

    name: str
    description: str | None = None
    input_schema: dict[str, Any] | None = None


class McpProbeResult(WireModel):
    """The outcome of probing an MCP server; a failed probe is ``success=False``, not an error."""

    success: bool
    tools: NullableList[ProbedTool] = Field(default_factory=list)
    error: str | None = None


class ComposioStartResult(WireModel):
    """The first step of a Composio connection; ``redirect_url`` is ``None`` when already done."""

    redirect_url: str | None = None
    status: str | None = None
    connected_account_id: str


class ComposioFinalizeResult(WireModel):
    """The connection made by finalizing a Composio flow."""

    integration_id: str
    mcp_url: str | None = None
