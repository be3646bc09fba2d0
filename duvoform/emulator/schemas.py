"""Request bodies the emulator accepts, as pydantic models (validated with strict JSON types).

They follow ``openapi.json``'s request schemas. Unknown keys are ignored, as the published
request schemas do not forbid them (open question 15). Model names in ``config`` are any
non-empty string, since the documented enum keeps growing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from duvoform.emulator.web import is_uuid

__all__ = [
    "AttachIntegrations",
    "BuildConfigV2",
    "ComposioFinalize",
    "ComposioStart",
    "CreateAgent",
    "CreateBuild",
    "CreateConnection",
    "CreateFolder",
    "HeaderSet",
    "McpCheck",
    "McpOAuthStart",
    "McpProbe",
    "MoveAgents",
    "NativeOAuthStart",
    "PinConnection",
    "PromoteBuild",
    "UpdateAgent",
    "UpdateBuild",
    "UpdateConnection",
    "UpdateFolder",
    "Url",
    "UuidStr",
]


def _uuid(value: str) -> str:
    if not is_uuid(value):
        raise ValueError("must be a UUID")
    return value.lower()


def _http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http(s) URL")
    return value


def _absolute_uri(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise ValueError("must be an absolute URI")
    return value


UuidStr = Annotated[str, AfterValidator(_uuid)]
Url = Annotated[str, AfterValidator(_http_url)]
Uri = Annotated[str, AfterValidator(_absolute_uri)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
AuthMethod = Literal["url", "apikey", "headers", "oauth"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")

    def given(self, name: str) -> bool:
        """Whether the body named this field (an explicit ``null`` counts)."""
        return name in self.model_fields_set

    def null_fields(self, *names: str) -> list[str]:
        """Which of ``names`` were sent as an explicit ``null``."""
        return [n for n in names if n in self.model_fields_set and getattr(self, n) is None]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore")


class InputText(_Part):
    type: Literal["input_text"]
    text: str


class InputImage(_Part):
    type: Literal["input_image"]
    detail: Literal["low", "high", "auto"] | None = None
    file_id: str | None = None
    url: str | None = None


class InputFile(_Part):
    type: Literal["input_file"]
    file_id: str


ContentPart = Annotated[InputText | InputImage | InputFile, Field(discriminator="type")]


class InputMessage(_Part):
    role: Literal["system", "user", "assistant"]
    content: str | list[ContentPart]
    type: Literal["message"] | None = None


class AgentModel(_Part):
    model: NonEmpty


class BrowsingModel(_Part):
    provider: Literal["google", "anthropic"]
    model: NonEmpty


class Models(_Part):
    agent: AgentModel
    browsing: BrowsingModel


class BenchmarkOutcome(_Part):
    description: str
    criteria: str


class RuntimeOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    browserProvider: Literal["browserbase", "browser-use"] | None = None
    evaluationSchemaId: str | None = None
    benchmarkExpectedOutcomes: list[BenchmarkOutcome] | None = None


class BuildConfigV2Data(_Part):
    models: Models
    input: str | list[InputMessage]
    files: list[str] | None = None
    skills: list[str] | None = None
    plugins: list[str] | None = None
    subAgents: list[UuidStr] | None = None
    options: RuntimeOptions | None = None


class BuildConfigV2(_Part):
    version: Literal["v2"]
    data: BuildConfigV2Data

    def stored(self) -> dict[str, Any]:
        """The config as kept and returned: list fields always present (possibly empty)."""
        data = self.data.model_dump(mode="json", exclude_unset=True, exclude_none=True)
        for key in ("files", "skills", "plugins", "subAgents"):
            data[key] = data.get(key) or []
        return {"version": "v2", "data": data}


class CreateAgentBuild(_Body):
    name: NonEmpty
    config: BuildConfigV2


class CreateAgent(_Body):
    name: NonEmpty
    thread_id: UuidStr | None = None
    source_build_id: UuidStr | None = None
    automation_id: UuidStr | None = None
    build: CreateAgentBuild | None = None


class UpdateAgent(_Body):
    name: NonEmpty | None = None
    slack_enabled: bool | None = None
    microsoft_teams_enabled: bool | None = None
    agentic_memory_enabled: bool | None = None
    thread_id: UuidStr | None = None
    pinned: bool | None = None


class CreateBuild(_Body):
    name: NonEmpty
    config: BuildConfigV2 | None = None
    handover_target_ids: list[UuidStr] | None = None
    source_build_id: UuidStr | None = None


RevisionName = Annotated[str, StringConstraints(min_length=1, max_length=80)]
RevisionDescription = Annotated[str, StringConstraints(max_length=500)]


class UpdateBuild(_Body):
    config: dict[str, Any] | None = None
    handoverTargetIds: list[UuidStr] | None = None
    revision_name: RevisionName | None = None
    revision_description: RevisionDescription | None = None


class PromoteBuild(_Body):
    revision_name: RevisionName | None = None
    revision_description: RevisionDescription | None = None


FolderName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class CreateFolder(_Body):
    name: FolderName
    parent_folder_id: UuidStr | None = None


class UpdateFolder(_Body):
    name: FolderName | None = None
    parent_folder_id: UuidStr | None = None


class MoveAgents(_Body):
    agent_ids: Annotated[list[UuidStr], Field(min_length=1)]
    folder_id: UuidStr | None


class AddAgents(_Body):
    agent_ids: Annotated[list[UuidStr], Field(min_length=1)]


class HeaderSet(_Body):
    plaintext: dict[str, str] | None = None
    secret: dict[str, str] | None = None


class CreateConnection(_Body):
    name: NonEmpty
    server_url: Url | None = None
    type: NonEmpty = "custom_mcp"
    provider: Literal["user"]
    auth_method: AuthMethod
    custom_integration_id: UuidStr | None = None
    headers: HeaderSet | None = None


class UpdateConnection(_Body):
    name: NonEmpty | None = None
    server_url: Url | None = None
    auth_method: AuthMethod | None = None
    headers: HeaderSet | None = None
    shared: bool | None = None
    composio_mcp_id: str | None = None


class NativeOAuthStart(_Body):
    model_config = ConfigDict(extra="allow")

    return_url: str | None = None
    reconnect_instance_id: UuidStr | None = None
    name: NonEmpty | None = None


class McpOAuthStart(_Body):
    mcp_server_url: Url
    name: NonEmpty
    custom_integration_id: UuidStr | None = None
    return_url: str | None = None
    integration_type: NonEmpty | None = None
    reconnect_instance_id: UuidStr | None = None


class McpCheck(_Body):
    mcp_server_url: Url


class McpProbe(_Body):
    server_url: Url  # required in v1 (openapi.json), whatever integration_slug says
    headers: dict[str, str] | None = None
    integration_slug: str | None = None


class ComposioStart(_Body):
    auth_config_id: NonEmpty
    callback_url: Uri
    auth_scheme: str | None = None
    auth_fields: dict[str, Any] = Field(default_factory=dict)  # an object, never null


class ComposioFinalize(_Body):
    app: NonEmpty
    integration_name: NonEmpty
    connected_account_id: NonEmpty


class AttachIntegrations(_Body):
    integration_ids: Annotated[list[UuidStr], Field(min_length=1)]


class PinConnection(_Body):
    connection_id: UuidStr
