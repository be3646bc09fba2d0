"""``show``'s facts of an assignment: its live build, history, slots and schedules as JSON data
(what ``show --format json`` prints under ``object``, and what ``show.show_text`` reads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from duvoform.api.models import Build, BuildConfigV1, BuildConfigV2, Schedule
from duvoform.engine.live import build_order
from duvoform.kinds.assignment.digest import parse_handover
from duvoform.kinds.assignment.mapping import sop_text
from duvoform.kinds.assignment.tables import FLAGS

if TYPE_CHECKING:
    from duvoform.lookup.reads import AssignmentView

__all__ = ["HISTORY_SHOWN", "facts_assignment"]

HISTORY_SHOWN = 10
"""How many builds the history shows (newest first)."""


def facts_assignment(view: AssignmentView) -> dict[str, Any]:
    """The assignment, its live build, history, slots and schedules as JSON data."""
    agent = view.agent
    newest = sorted(view.builds, key=build_order, reverse=True)
    return {
        "id": agent.id,
        "name": agent.name,
        "folder": "/".join(view.folder_path) or None,
        "flags": {flag: bool(getattr(agent, flag)) for flag in FLAGS},
        "live_build": _build_facts(view.live_build, view.agent_names),
        "history": [_history_item(build) for build in newest[:HISTORY_SHOWN]],
        "builds_total": len(view.builds),
        "slots": [
            {
                "slot_id": wired.slot.slot_id,
                "integration": wired.slot.integration,
                "type": wired.slot.type,
                "name": wired.slot.name,
                "pinned": [
                    {"id": ident, "name": _connection_name(view, ident)}
                    for ident in wired.pinned_ids
                ],
                "pins_known_by": wired.how,
            }
            for wired in view.wiring
        ],
        "schedules": [_schedule(s) for s in view.schedules],
    }


def _connection_name(view: AssignmentView, ident: str) -> str | None:
    return next((c.name for c in view.connections if c.id == ident), None)


def _history_item(build: Build) -> dict[str, Any]:
    return {
        "id": build.id,
        "number": build.revision_number,
        "name": build.name,
        "revision_name": build.revision_name,
        "status": build.status,
        "created_at": build.created_at,
        "created_by": build.created_by_name or build.created_by,
    }


def _build_facts(build: Build | None, names: Mapping[str, str]) -> dict[str, Any] | None:
    if build is None:
        return None
    facts = _history_item(build)
    facts["revision_description"] = build.revision_description
    listed = parse_handover(build.name)
    # None: not readable (the API never returns them; only duvoform's build names list them).
    facts["handover_to"] = None if listed is None else sorted(listed)
    config = build.config
    if isinstance(config, BuildConfigV2):
        data = config.data
        browsing = data.models.browsing
        sop, _structured = sop_text(data.input)
        facts.update(
            config_version="v2",
            model=data.models.agent.model,
            browsing=None if browsing is None else browsing.model_dump(),
            skills=list(data.skills),
            files=list(data.files),
            plugins=list(data.plugins),
            sub_agents=[{"id": i, "name": names.get(i)} for i in data.sub_agents],
            options=None
            if data.options is None
            else data.options.model_dump(mode="json", by_alias=True, exclude_none=True),
            sop=sop,
        )
    elif isinstance(config, BuildConfigV1):
        data1 = config.data
        sop, _structured = sop_text(data1.input)
        legacy = {
            key: getattr(data1, key)
            for key in ("temperature", "max_output_tokens", "top_p", "store", "text")
            if getattr(data1, key) is not None
        }
        facts.update(
            config_version="v1",
            model=data1.model,
            skills=list(data1.skills),
            files=list(data1.files),
            legacy_settings=legacy,
            sop=sop,
        )
    else:
        facts.update(config_version=getattr(config, "version", None))
    return facts


def _schedule(schedule: Schedule) -> dict[str, Any]:
    return schedule.model_dump(mode="json", exclude_none=True)
