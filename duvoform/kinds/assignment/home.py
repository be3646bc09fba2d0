"""The Assignment kind's home: its tables, live reads, fingerprint and show text."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from duvoform.engine.context import Context
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveQuery, LiveState
from duvoform.kinds.assignment import show
from duvoform.kinds.assignment.diff import diff_assignments
from duvoform.kinds.assignment.model import Assignment
from duvoform.kinds.assignment.promote import builds_to_read
from duvoform.kinds.assignment.tables import FLAGS
from duvoform.kinds.assignment.wiring import slot_reads
from duvoform.kinds.base import Resource
from duvoform.kinds.home import KindHome, ShowWriter

__all__ = ["HOME", "AssignmentHome"]


class AssignmentHome(KindHome):
    """Assignments (API: agents) with their builds: identified by name; changes run last."""

    kind = Assignment.KIND
    plural = "assignments"
    operation_modules = ("duvoform.kinds.assignment.ops", "duvoform.kinds.assignment.build_ops")

    @property
    def model(self) -> type[Resource]:
        return Assignment

    def live_query(self, desired: DesiredState, query: LiveQuery) -> LiveQuery:
        """The slots and pins of the live builds of assignments that name connections, and
        the builds of those whose plan would otherwise make a new build (to promote one that
        exists instead)."""
        return replace(
            query,
            slots_for=query.slots_for | slot_reads(desired),
            builds_for=builds_to_read(desired),
        )

    def diff(self, ctx: Context) -> None:
        diff_assignments(ctx)

    def live_count(self, live: LiveState) -> int:
        return len(live.agents)

    def live_ids(self, live: LiveState, identity: str) -> list[str]:
        return [a.id for a in live.agents_named(identity)]

    def fingerprint_view(self, live: LiveState, live_id: str) -> dict[str, Any] | None:
        """Name, the flags (``null`` as false), ``folder_id``, the live build (id, name,
        status, labels, the sha256 of its config's JSON) and, when the plan read them, the
        live build's slots and the caller's pins on each."""
        agent = live.agent(live_id)
        if agent is None:
            return None
        build = live.live_build(live_id)
        view: dict[str, Any] = {"name": agent.name}
        view.update({flag: bool(getattr(agent, flag)) for flag in FLAGS})
        view["folder_id"] = agent.folder_id
        view["build"] = (
            None
            if build is None
            else {
                "id": build.id,
                "name": build.name,
                "status": build.status,
                "revision_name": build.revision_name,
                "revision_description": build.revision_description,
                # The config's own JSON (pydantic's serializer: field order, then the order
                # the API sent) is hashed rather than nested: a plan file reads thousands of
                # builds. The API answers from stored JSON, so the order holds between reads;
                # were it to change, the plan would be refused as stale, never applied wrongly.
                "config": None
                if build.config is None
                else hashlib.sha256(
                    build.config.model_dump_json(by_alias=True, exclude_none=True).encode()
                ).hexdigest(),
            }
        )
        wiring = None if build is None else _wiring(live, live_id, build.id)
        if wiring is not None:
            view["wiring"] = wiring
        return view

    def show_text(self, out: ShowWriter, facts: Mapping[str, Any]) -> None:
        show.show_text(out, facts)


def _wiring(live: LiveState, agent_id: str, build_id: str) -> list[Any] | None:
    """The slots (integrations) and the caller's pins of a build, if they were read."""
    slots = live.slots.get((agent_id, build_id))
    if slots is None:
        return None
    return sorted(
        [
            slot.integration_id or "",
            slot.custom_integration_id or "",
            sorted(pin.connection_id for pin in live.pins.get((agent_id, build_id, slot.id), ())),
        ]
        for slot in slots
    )


HOME = AssignmentHome()
