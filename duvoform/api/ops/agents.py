"""Operations on assignments, builds, schedules, integration slots and pins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from duvoform.api import routes
from duvoform.api.models import (
    Agent,
    AttachSlotsResult,
    Build,
    CreateAgentRequest,
    CreateAgentResult,
    CreateBuildRequest,
    Pin,
    PromoteBuildRequest,
    PromoteResult,
    Schedule,
    Slot,
    Success,
    UpdateAgentRequest,
    UpdateBuildRequest,
)
from duvoform.api.models.envelopes import (
    AgentEnvelope,
    AgentPage,
    BuildEnvelope,
    BuildPage,
    CreateBuildResult,
    PinList,
    ScheduleList,
    SlotList,
)
from duvoform.api.ops.base import ClientBase, as_body
from duvoform.api.pagination import Page, fetch_all

__all__ = ["AgentOps"]


class AgentOps(ClientBase):
    """Assignments, their builds, schedules, slots and pins."""

    # -- assignments -------------------------------------------------------------------

    async def list_agents(self, *, include_schedules: bool = False) -> list[Agent]:
        """Every assignment of the key's team (with ``latest_build`` embedded)."""

        async def page(offset: int, limit: int) -> Page[Agent]:
            params: dict[str, str | int] = {"limit": limit, "offset": offset}
            if include_schedules:
                params["include_schedules"] = "true"
            result, _ = await self._call(AgentPage, routes.AGENTS, params=params)
            return Page(result.agents, result.total, result.limit)

        agents: list[Agent] = await fetch_all(
            page, key=lambda a: a.id, page_size=self.page_size, what="assignment list"
        )
        return agents

    async def get_agent(self, agent_id: str) -> Agent:
        """One assignment."""
        result, _ = await self._call(AgentEnvelope, routes.AGENT, {"agent_id": agent_id})
        return result.agent

    async def create_agent(self, body: CreateAgentRequest | Mapping[str, Any]) -> CreateAgentResult:
        """Create an assignment, with its first build when ``body.build`` is set (not retried
        once sent: an unknown outcome raises ``UncertainWriteError``)."""
        result, _ = await self._call(
            CreateAgentResult, routes.CREATE_AGENT, body=as_body(CreateAgentRequest, body)
        )
        return result

    async def update_agent(
        self, agent_id: str, body: UpdateAgentRequest | Mapping[str, Any]
    ) -> Agent:
        """Change an assignment's name or flags (only the fields set in ``body``)."""
        result, _ = await self._call(
            AgentEnvelope,
            routes.UPDATE_AGENT,
            {"agent_id": agent_id},
            body=as_body(UpdateAgentRequest, body),
        )
        return result.agent

    async def list_schedules(self, agent_id: str) -> list[Schedule]:
        """The caller's own schedules of one assignment (read-only in v1)."""
        result, _ = await self._call(ScheduleList, routes.AGENT_SCHEDULES, {"agent_id": agent_id})
        return result.schedules

    # -- builds ------------------------------------------------------------------------

    async def list_builds(self, agent_id: str) -> list[Build]:
        """Every build of one assignment."""

        async def page(offset: int, limit: int) -> Page[Build]:
            result, _ = await self._call(
                BuildPage,
                routes.AGENT_BUILDS,
                {"agent_id": agent_id},
                params={"limit": limit, "offset": offset},
            )
            return Page(result.builds, result.total, result.limit)

        builds: list[Build] = await fetch_all(
            page, key=lambda b: b.id, page_size=self.page_size, what="build list"
        )
        return builds

    async def get_build(self, build_id: str) -> Build:
        """One build by id (``GET /v1/revisions/{build_id}``)."""
        result, _ = await self._call(BuildEnvelope, routes.BUILD, {"build_id": build_id})
        return result.build

    async def get_agent_build(self, agent_id: str, build_id: str) -> Build:
        """One build through its assignment's path (the documented v1 route)."""
        result, _ = await self._call(
            BuildEnvelope,
            routes.AGENT_BUILD,
            {"agent_id": agent_id, "build_id": build_id},
        )
        return result.build

    async def create_build(
        self, agent_id: str, body: CreateBuildRequest | Mapping[str, Any]
    ) -> Build:
        """Create a build (not live until promoted; never retried blindly)."""
        result, _ = await self._call(
            CreateBuildResult,
            routes.CREATE_BUILD,
            {"agent_id": agent_id},
            body=as_body(CreateBuildRequest, body),
        )
        return result.build

    async def update_build(
        self, build_id: str, body: UpdateBuildRequest | Mapping[str, Any]
    ) -> Build:
        """Change a build's labels, config or handover targets (no new build)."""
        result, _ = await self._call(
            BuildEnvelope,
            routes.UPDATE_BUILD,
            {"build_id": build_id},
            body=as_body(UpdateBuildRequest, body),
        )
        return result.build

    async def promote_build(
        self, build_id: str, body: PromoteBuildRequest | Mapping[str, Any] | None = None
    ) -> PromoteResult:
        """Make a build live. Retried like a read: a 409 after a retry means the earlier
        attempt did it, and is reported as ``already_live``."""
        result, response = await self._call(
            PromoteResult,
            routes.PROMOTE_BUILD,
            {"build_id": build_id},
            body=as_body(PromoteBuildRequest, body),
            safe=True,
            accept_after_retry=frozenset({409}),
        )
        if response.retried_into:
            return PromoteResult(success=True, already_live=True)
        return result

    # -- integration slots and pins ----------------------------------------------------

    async def list_slots(self, agent_id: str, build_id: str) -> list[Slot]:
        """The integration slots of one build."""
        result, _ = await self._call(
            SlotList, routes.SLOTS, {"agent_id": agent_id, "build_id": build_id}
        )
        return result.integrations

    async def attach_slots(
        self, agent_id: str, build_id: str, integration_ids: Iterable[str]
    ) -> AttachSlotsResult:
        """Attach catalog integrations to a build as slots."""
        result, _ = await self._call(
            AttachSlotsResult,
            routes.ATTACH_SLOTS,
            {"agent_id": agent_id, "build_id": build_id},
            body={"integration_ids": list(dict.fromkeys(integration_ids))},
        )
        return result

    async def remove_slot(self, agent_id: str, build_id: str, integration_id: str) -> Success:
        """Remove a slot (and every user's pins on it)."""
        ids = {"agent_id": agent_id, "build_id": build_id, "integration_id": integration_id}
        result, _ = await self._call(
            Success, routes.REMOVE_SLOT, ids, accept_after_retry=frozenset({404})
        )
        return result

    async def list_pins(self, agent_id: str, build_id: str, integration_id: str) -> list[Pin]:
        """The caller's connections pinned to one slot."""
        ids = {"agent_id": agent_id, "build_id": build_id, "integration_id": integration_id}
        result, _ = await self._call(PinList, routes.PINS, ids)
        return result.connections

    async def pin(
        self, agent_id: str, build_id: str, integration_id: str, connection_id: str
    ) -> Success:
        """Pin one of the caller's connections to a slot."""
        ids = {"agent_id": agent_id, "build_id": build_id, "integration_id": integration_id}
        result, _ = await self._call(
            Success, routes.PIN, ids, body={"connection_id": connection_id}
        )
        return result

    async def unpin(
        self, agent_id: str, build_id: str, integration_id: str, connection_id: str
    ) -> Success:
        """Unpin a connection from a slot (the connection itself stays)."""
        ids = {
            "agent_id": agent_id,
            "build_id": build_id,
            "integration_id": integration_id,
            "connection_id": connection_id,
        }
        result, _ = await self._call(
            Success,
            routes.UNPIN,
            ids,
            accept_after_retry=frozenset({404}),
        )
        return result
