"""Response envelopes and small results: list pages, ``{agent}``, ``{build}``, ``{success}``."""

from __future__ import annotations

from duvoform.api.models.agents import Agent, Pin, Slot
from duvoform.api.models.base import NullableList, WireModel
from duvoform.api.models.builds import Build, Schedule
from duvoform.api.models.connections import Connection
from duvoform.api.models.folders import Folder, FolderListItem

__all__ = [
    "AgentEnvelope",
    "AgentPage",
    "AttachSlotsResult",
    "BuildEnvelope",
    "BuildPage",
    "ConnectionPage",
    "CreateAgentResult",
    "CreateBuildResult",
    "DeleteConnectionResult",
    "FolderEnvelope",
    "FolderList",
    "MoveAgentsResult",
    "PinList",
    "PromoteResult",
    "ScheduleList",
    "SlotList",
    "Success",
]


class Success(WireModel):
    """``{success: true}``."""

    success: bool = True


class PromoteResult(Success):
    """The result of a promote. ``already_live`` when a retried promote found the build live."""

    already_live: bool = False


class AgentPage(WireModel):
    """One page of ``GET /v1/agents``."""

    agents: NullableList[Agent]
    total: int
    limit: int | None = None
    offset: int | None = None


class BuildPage(WireModel):
    """One page of ``GET /v1/agents/{agent_id}/revisions``."""

    builds: NullableList[Build]
    total: int
    limit: int | None = None
    offset: int | None = None


class ConnectionPage(WireModel):
    """One page of ``GET /v1/connections`` (the items key is ``integrations``)."""

    integrations: NullableList[Connection]
    total: int
    limit: int | None = None
    offset: int | None = None


class AgentEnvelope(WireModel):
    """``{agent}``."""

    agent: Agent


class CreateAgentResult(WireModel):
    """``POST /v1/agents``: the agent, and its first build when one was sent inline."""

    agent: Agent
    build: Build | None = None


class BuildEnvelope(WireModel):
    """``{build}``."""

    build: Build


class CreateBuildResult(WireModel):
    """``POST .../revisions``: ``{build, agent: {id}}``."""

    build: Build


class FolderList(WireModel):
    """``GET /v1/agent-folders`` (not paginated)."""

    folders: NullableList[FolderListItem]


class FolderEnvelope(WireModel):
    """``{folder}``."""

    folder: Folder


class MoveAgentsResult(WireModel):
    """The result of moving assignments into a folder (or to the root)."""

    success: bool = True
    moved_count: int | float = 0


class DeleteConnectionResult(WireModel):
    """``DELETE /v1/connections/{id}``: ``{success, message}``."""

    success: bool = True
    message: str | None = None


class ScheduleList(WireModel):
    """``GET /v1/agents/{agent_id}/schedules``: the caller's own schedules."""

    schedules: NullableList[Schedule]


class SlotList(WireModel):
    """``GET .../revisions/{build_id}/integrations``."""

    integrations: NullableList[Slot]


class AttachSlotsResult(WireModel):
    """``POST .../revisions/{build_id}/integrations``: how many slots were attached."""

    success: bool = True
    count: int | float | None = None


class PinList(WireModel):
    """``GET .../integrations/{integration_id}/connections``: the caller's pins."""

    connections: NullableList[Pin]
