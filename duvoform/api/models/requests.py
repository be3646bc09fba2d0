"""Typed request bodies. Strict: an unknown field is a bug in the caller, caught before sending.

Only the fields a caller sets are sent (see ``dump_body``), so a PATCH changes exactly what it
names and an explicit ``None`` clears a nullable field. Secret header values are ``SecretStr``:
they print as ``**********`` and are revealed only when the body is serialised for sending.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, field_serializer

from duvoform.api.models.base import RequestModel
from duvoform.api.models.builds import BuildConfigV2

__all__ = [
    "ComposioFinalizeRequest",
    "ComposioStartRequest",
    "CreateAgentBuild",
    "CreateAgentRequest",
    "CreateBuildRequest",
    "CreateConnectionRequest",
    "CreateFolderRequest",
    "HeaderSet",
    "McpOAuthStartRequest",
    "NativeOAuthStartRequest",
    "PromoteBuildRequest",
    "UpdateAgentRequest",
    "UpdateBuildRequest",
    "UpdateConnectionRequest",
    "UpdateFolderRequest",
]


class CreateAgentBuild(RequestModel):
    """The inline first build of a new assignment."""

    name: str = Field(min_length=1)
    config: BuildConfigV2


class CreateAgentRequest(RequestModel):
    """``POST /v1/agents``. The agent flags cannot be set here (PATCH them afterwards)."""

    name: str = Field(min_length=1)
    thread_id: str | None = None
    source_build_id: str | None = None
    automation_id: str | None = None
    build: CreateAgentBuild | None = None


class UpdateAgentRequest(RequestModel):
    """``PATCH /v1/agents/{agent_id}``: every field optional; ``thread_id=None`` clears it."""

    name: str | None = Field(default=None, min_length=1)
    slack_enabled: bool | None = None
    microsoft_teams_enabled: bool | None = None
    agentic_memory_enabled: bool | None = None
    thread_id: str | None = None
    pinned: bool | None = None


class CreateBuildRequest(RequestModel):
    """``POST /v1/agents/{agent_id}/revisions``. Handover targets are write-only."""

    name: str = Field(min_length=1)
    config: BuildConfigV2 | None = None
    handover_target_ids: list[str] | None = None
    source_build_id: str | None = None


class UpdateBuildRequest(RequestModel):
    """``PATCH /v1/revisions/{build_id}``. Note the camelCase ``handoverTargetIds`` here.

    ``config`` is free-form in the schema; the whole config is sent (replace, not merge; a
    guess the reference marks as inferred).
    """

    config: BuildConfigV2 | dict[str, Any] | None = None
    handover_target_ids: list[str] | None = Field(default=None, alias="handoverTargetIds")
    revision_name: str | None = Field(default=None, min_length=1, max_length=80)
    revision_description: str | None = Field(default=None, max_length=500)


class PromoteBuildRequest(RequestModel):
    """``POST /v1/revisions/{build_id}/promote``: optional labels set while promoting."""

    revision_name: str | None = Field(default=None, min_length=1, max_length=80)
    revision_description: str | None = Field(default=None, max_length=500)


class CreateFolderRequest(RequestModel):
    """``POST /v1/agent-folders``; no parent means the root."""

    name: str = Field(min_length=1, max_length=100)
    parent_folder_id: str | None = None


class UpdateFolderRequest(RequestModel):
    """``PATCH /v1/agent-folders/{folder_id}``; ``parent_folder_id=None`` moves it to the root."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    parent_folder_id: str | None = None


class HeaderSet(RequestModel):
    """Headers a custom MCP connection sends; ``secret`` values are encrypted at rest.

    On update, an empty secret value keeps the stored one.
    """

    plaintext: dict[str, str] | None = None
    secret: dict[str, SecretStr] | None = None

    @field_serializer("secret", when_used="json")
    def _reveal(self, value: dict[str, SecretStr] | None) -> dict[str, str] | None:
        if value is None:
            return None
        return {name: secret.get_secret_value() for name, secret in value.items()}


class CreateConnectionRequest(RequestModel):
    """``POST /v1/connections``: only user-provided (custom MCP) connections are created here."""

    name: str = Field(min_length=1)
    provider: Literal["user"] = "user"
    auth_method: str
    server_url: str | None = None
    type: str | None = None
    custom_integration_id: str | None = None
    headers: HeaderSet | None = None

    def model_post_init(self, context: Any, /) -> None:
        self.__pydantic_fields_set__.add("provider")  # always sent (see base.py)


class UpdateConnectionRequest(RequestModel):
    """``PATCH /v1/connections/{connection_id}``; ``shared`` needs the manager role or above."""

    name: str | None = Field(default=None, min_length=1)
    server_url: str | None = None
    auth_method: str | None = None
    headers: HeaderSet | None = None
    shared: bool | None = None
    composio_mcp_id: str | None = None


class NativeOAuthStartRequest(RequestModel):
    """``POST /v1/connections/oauth/native/{provider}/start`` (body shape from the later spec)."""

    return_url: str | None = None
    reconnect_instance_id: str | None = None


class McpOAuthStartRequest(RequestModel):
    """``POST /v1/connections/oauth/mcp/start``."""

    mcp_server_url: str
    name: str = Field(min_length=1)
    custom_integration_id: str | None = None
    return_url: str | None = None
    integration_type: str | None = None
    reconnect_instance_id: str | None = None


class ComposioStartRequest(RequestModel):
    """``POST /v1/connections/composio/start``; ``auth_fields`` may hold secrets (never logged)."""

    auth_config_id: str = Field(min_length=1)
    callback_url: str
    auth_scheme: str | None = None
    auth_fields: dict[str, Any] | None = None


class ComposioFinalizeRequest(RequestModel):
    """``POST /v1/connections/composio/finalize``."""

    app: str = Field(min_length=1)
    integration_name: str = Field(min_length=1)
    connected_account_id: str = Field(min_length=1)
