"""Builds (``revision`` in paths), their configuration (v2, and the legacy v1 shape), schedules.

The config is a tagged union on ``version``. Legacy v1 configs often omit ``version``; they are
recognised by their flat ``data.model`` field. A config of a version this client does not know
is kept as ``BuildConfigOther`` instead of failing the whole read.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from duvoform.api.models.base import NullableList, WireModel

__all__ = [
    "AgentInput",
    "BenchmarkOutcome",
    "BrowsingModel",
    "Build",
    "BuildConfig",
    "BuildConfigOther",
    "BuildConfigV1",
    "BuildConfigV1Data",
    "BuildConfigV2",
    "BuildConfigV2Data",
    "InputContentPart",
    "InputMessage",
    "Models",
    "PrimaryModel",
    "RuntimeOptions",
    "Schedule",
]


class InputContentPart(WireModel):
    """One block of structured message content (``input_text``, ``input_image``, ``input_file``)."""

    type: str
    text: str | None = None
    detail: str | None = None
    file_id: str | None = None
    url: str | None = None


class InputMessage(WireModel):
    """A structured instruction message (``{role, content, type?}``)."""

    role: str
    content: str | list[InputContentPart]
    type: str | None = None


AgentInput = str | list[InputMessage]
"""The SOP: one instruction string, or a list of structured messages."""


class PrimaryModel(WireModel):
    """``models.agent``: the assignment's main model (the enum grows; any string is accepted)."""

    model: str


class BrowsingModel(WireModel):
    """``models.browsing``: the browser / computer-use model."""

    provider: str
    model: str


class Models(WireModel):
    """``data.models`` of a v2 config."""

    agent: PrimaryModel
    browsing: BrowsingModel | None = None


class BenchmarkOutcome(WireModel):
    """One expected outcome used by Duvo's benchmark runs."""

    description: str
    criteria: str


class RuntimeOptions(WireModel):
    """``data.options``: optional runtime settings (extra keys are allowed and kept)."""

    browser_provider: str | None = Field(default=None, alias="browserProvider")
    evaluation_schema_id: str | None = Field(default=None, alias="evaluationSchemaId")
    benchmark_expected_outcomes: list[BenchmarkOutcome] | None = Field(
        default=None, alias="benchmarkExpectedOutcomes"
    )


class BuildConfigV2Data(WireModel):
    """The current (v2) configuration payload."""

    models: Models
    input: AgentInput
    files: NullableList[str] = Field(default_factory=list)
    skills: NullableList[str] = Field(default_factory=list)
    plugins: NullableList[str] = Field(default_factory=list)
    sub_agents: NullableList[str] = Field(default_factory=list, alias="subAgents")
    options: RuntimeOptions | None = None


class BuildConfigV2(WireModel):
    """The current build configuration; the only shape the API accepts on create."""

    version: Literal["v2"] = "v2"
    data: BuildConfigV2Data

    def model_post_init(self, context: Any, /) -> None:
        self.__pydantic_fields_set__.add("version")  # always sent (see base.py)


class BuildConfigV1Data(WireModel):
    """The legacy (v1) configuration payload: one flat model plus sampling settings."""

    model: str | None = None
    tools: Any = None
    input: AgentInput | None = None
    files: NullableList[str] = Field(default_factory=list)
    skills: NullableList[str] = Field(default_factory=list)
    temperature: float | None = None
    max_output_tokens: float | None = None
    top_p: float | None = None
    store: bool | None = None
    text: dict[str, Any] | None = None


class BuildConfigV1(WireModel):
    """Legacy build configuration: readable on old builds, never sent."""

    version: Literal["v1"] | None = None
    data: BuildConfigV1Data


class BuildConfigOther(WireModel):
    """A config whose ``version`` this client does not know; kept as raw data."""

    version: str | None = None
    data: Any = None


def _config_tag(value: Any) -> str:
    if isinstance(value, WireModel):
        return {BuildConfigV2: "v2", BuildConfigV1: "v1"}.get(type(value), "other")
    if not isinstance(value, dict):
        return "other"
    version = value.get("version")
    if version == "v2":
        return "v2"
    if version == "v1":
        return "v1"
    if version is None:
        data = value.get("data")
        if isinstance(data, dict):
            if "models" in data:
                return "v2"
            return "v1"
    return "other"


BuildConfig = Annotated[
    Annotated[BuildConfigV2, Tag("v2")]
    | Annotated[BuildConfigV1, Tag("v1")]
    | Annotated[BuildConfigOther, Tag("other")],
    Discriminator(_config_tag),
]
"""A build's ``config`` as the API returns it: v2, legacy v1, or an unknown version."""


class Schedule(WireModel):
    """A schedule (per user; read-only in v1). Fires against the agent's live build."""

    id: str
    agent_id: str | None = None
    build_id: str | None = None
    user_id: str | None = None
    enabled: bool | None = None
    frequency: str | None = None
    time: str | None = None
    timezone: str | None = None
    day: str | None = None
    day_of_month: int | float | None = None
    cron: str | None = None
    recurring: bool | None = None
    source: str | None = None
    task: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    user_name: str | None = None
    user_email: str | None = None


class Build(WireModel):
    """A Build (``revision`` in paths): an immutable snapshot of an assignment's setup.

    ``status == "live"`` marks the promoted build; other status strings are undocumented.
    """

    id: str
    agent_id: str | None = None
    copilot_id: str | None = None
    name: str | None = None
    revision_name: str | None = None
    revision_description: str | None = None
    config: BuildConfig | None = None
    status: str | None = None
    revision_number: int | float | None = None
    parent_build_id: str | None = None
    created_by: str | None = None
    created_by_name: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    schedules: NullableList[Schedule] = Field(default_factory=list)

    @property
    def is_live(self) -> bool:
        """True for the promoted build, the one jobs and schedules run."""
        return self.status == "live"
