"""Assignments (``agent`` in the API), their integration slots and per-user pins."""

from __future__ import annotations

from pydantic import Field

from duvoform.api.models.base import NullableList, WireModel
from duvoform.api.models.builds import Build, Schedule

__all__ = [
    "AGENT_FLAGS",
    "Agent",
    "AgentRef",
    "IntegrationConfig",
    "Pin",
    "Slot",
    "UserRef",
    "UserTriggers",
]


AGENT_FLAGS: tuple[str, ...] = (
    "slack_enabled",
    "microsoft_teams_enabled",
    "agentic_memory_enabled",
)
"""An agent's on/off fields, set by ``PATCH /v1/agents/{agent_id}`` (``null`` reads as off)."""


class UserRef(WireModel):
    """A compact user reference (creator, last editor)."""

    id: str
    name: str | None = None
    email: str | None = None


class AgentRef(WireModel):
    """A compact assignment reference (``{id, name}``)."""

    id: str
    name: str | None = None


class IntegrationConfig(WireModel):
    """An integration slot of the agent's latest build, as embedded in the agent."""

    id: str
    integration_id: str | None = None
    integration_type: str | None = None
    integration_name: str | None = None
    created_at: str | None = None
    icon_url: str | None = None
    is_connected: bool | None = None
    linked_queue_names: NullableList[str] = Field(default_factory=list)


class UserTriggers(WireModel):
    """Which chat triggers are enabled for the caller."""

    slack_mention: bool | None = None
    slack_channel: bool | None = None
    teams_mention: bool | None = None


class Agent(WireModel):
    """An Assignment. ``latest_build`` is the newest build, which may not be the live one.

    ``folder_id`` is read-only here: it changes only through a move. ``schedules`` is filled
    when the list was read with ``include_schedules=true`` (``None`` when the API sent none).
    """

    id: str
    name: str
    slack_enabled: bool | None = None
    microsoft_teams_enabled: bool | None = None
    agentic_memory_enabled: bool | None = None
    team_id: str | None = None
    thread_id: str | None = None
    folder_id: str | None = None
    automation_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    last_run_at: str | None = None
    pinned_at: str | None = None
    created_by: UserRef | str | None = None
    updated_by: UserRef | str | None = None
    latest_build: Build | None = None
    integration_configs: NullableList[IntegrationConfig] = Field(default_factory=list)
    user_triggers: UserTriggers | None = None
    case_trigger_enabled: bool | None = None
    case_trigger_has_conflict: bool | None = None
    case_trigger_conflicting_agents: NullableList[AgentRef] = Field(default_factory=list)
    case_queue_name: str | None = None
    schedules: list[Schedule] | None = None


class Slot(WireModel):
    """An integration slot on a build (``GET .../revisions/{b}/integrations``)."""

    id: str
    integration_id: str | None = None
    custom_integration_id: str | None = None
    integration_type: str | None = None
    integration_name: str | None = None
    created_at: str | None = None


class Pin(WireModel):
    """One of the caller's connections pinned to a slot."""

    connection_id: str
    created_at: str | None = None
