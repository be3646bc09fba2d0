"""An assignment's build: keep it, adopt it, relabel it, or make a new one (DESIGN §5).

The live build is ``LiveState.live_build`` (``status == "live"``, else the newest):

- its name carries the desired digest and its ``subAgents`` are the live ids of the desired
  sub-agents: **unchanged** (a renamed or re-created sub-agent changes those ids);
- its name carries another digest, or is the unfinished ``duvoform:bootstrap`` build of an
  interrupted apply: **a new build**;
- its name carries no digest (made in the web app, or before duvoform): compared field by
  field on what the API lets us read: a v2 config; a legacy v1 config on ``model``, ``sop``,
  ``files`` and ``skills`` (its browsing model does not exist, and a manifest that sets
  plugins, sub-agents or options differs from it). Equal: **adopted** as it is (a plan note
  says so, and that handover targets cannot be read back when the manifest declares any);
  different: **a new build** (v2), with a note that the live build was changed outside git.

When the desired build is an existing non-live build of the assignment (same digest and
sub-agents; a revert), that build is promoted instead (``build.promote``, "promote build #N"):
see ``duvoform.kinds.assignment.promote``.

A new build is ``build.create`` (POST revisions, then promote when it is not live), named
``duvoform:<digest>`` (followed by its handover targets, see ``digest.build_name``), with the
whole desired config, handover targets and labels; it copies
the live build's integration slots (``source_build``) so that wiring made elsewhere survives.
Without a new build, a differing ``revision_name``/``revision_description`` is a
``build.update`` (PATCH) of the live build. The changed fields are listed for reading:
``build.model``, ``build.browsing``, ``build.sop`` (whole texts; renderers make the line diff),
``build.skills``, ``build.files``, ``build.plugins``, ``build.sub_agents`` (names),
``build.options``, ``build.revision_name``, ``build.revision_description``, and
``build.handover_to`` when the live build's name lists its targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from duvoform.api.models import Agent, Build, BuildConfigV2
from duvoform.engine.context import Context
from duvoform.engine.plan import FieldChange
from duvoform.engine.steps import Op, ref
from duvoform.kinds import Assignment, BuildSpec
from duvoform.kinds.assignment.digest import (
    Readable,
    build_digest,
    build_name,
    desired_readable,
    is_bootstrap,
    jsonable,
    live_readable,
    normalise_sop,
    parse_digest,
    parse_handover,
)
from duvoform.kinds.assignment.promote import (
    build_label,
    existing_build,
    promote_field,
    promote_params,
)

__all__ = ["BuildOutcome", "assignment_address", "build_config", "diff_build", "readable_fields"]


def assignment_address(name: str) -> str:
    """The address of the assignment called ``name``."""
    return f"{Assignment.KIND}/{name}"


def build_config(build: BuildSpec, *, sub_agents: list[str] | None = None) -> dict[str, Any]:
    """The v2 config for the desired build; sub-agents as references to their addresses.

    ``sub_agents`` limits the sub-agents sent (the bare first build of a cycle).
    """
    names = list(build.sub_agents) if sub_agents is None else sub_agents
    data: dict[str, Any] = {
        "models": {
            "agent": {"model": build.model},
            "browsing": {"provider": build.browsing.provider, "model": build.browsing.model},
        },
        "input": normalise_sop(build.sop_text),
        "files": list(build.files),
        "skills": list(build.skills),
        "plugins": list(build.plugins),
        "subAgents": [ref(assignment_address(name)) for name in names],
    }
    if build.options:
        data["options"] = jsonable(build.options)
    return {"version": "v2", "data": data}


def new_build_params(
    assignment: Assignment, address: str, source_build: str | None
) -> dict[str, Any]:
    """Parameters of the ``build.create`` step that makes the desired build."""
    build = assignment.spec.build
    params: dict[str, Any] = {
        "agent": ref(address),
        "name": build_name(build_digest(build), build.handover_to),
        "config": build_config(build),
        "handover_targets": [ref(assignment_address(name)) for name in build.handover_to],
    }
    if build.revision_name is not None:
        params["revision_name"] = build.revision_name
    if build.revision_description is not None:
        params["revision_description"] = build.revision_description
    if source_build is not None:
        params["source_build"] = source_build
    return params


@dataclass
class BuildOutcome:
    """What the build part of an assignment's change needs."""

    op: Op | None = None
    params: dict[str, Any] = field(default_factory=dict)
    fields: list[FieldChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    target: Build | None = None  # the existing build a promote makes live


def diff_build(ctx: Context, assignment: Assignment, address: str, agent: Agent) -> BuildOutcome:
    """Compare the desired build of a matched assignment with its live build."""
    spec = assignment.spec.build
    live = ctx.live.live_build(agent.id)
    if live is not None:
        ctx.result.ids[f"{address}@build"] = live.id
    wanted = frozenset(_wanted_sub_agents(ctx, spec).values())
    outcome = BuildOutcome()
    if live is None:
        outcome.notes.append("the assignment has no build yet")
        current = live_readable(None)
        return _new(
            ctx, assignment, address, None, current, desired_readable(spec, wanted), outcome
        )
    digest = parse_digest(live.name)
    expected = build_digest(spec)
    config = live.config
    if (
        digest == expected
        and isinstance(config, BuildConfigV2)  # what live_readable reads as version "v2"
        and frozenset(config.data.sub_agents) == wanted
    ):
        return _labels(assignment, live, outcome)
    current = live_readable(live)
    desired = desired_readable(spec, wanted)
    if digest == expected:
        outcome.notes.append(
            "the live build's sub-agents are not the assignments the manifest names "
            "(one was re-created, or its config was changed without a new build)"
        )
        return _new(ctx, assignment, address, live, current, desired, outcome)
    if digest is not None:
        return _new(ctx, assignment, address, live, current, desired, outcome)
    if is_bootstrap(live.name):
        outcome.notes.append("the live build is the unfinished first build of an interrupted apply")
        return _new(ctx, assignment, address, live, current, desired, outcome)
    if current.version != "other" and not readable_fields(ctx, current, desired):
        note = f"{address}: the live build {live.id} was made outside duvoform and matches the "
        note += "manifest, so it was adopted as it is"
        if current.version == "v1":
            note += " (a legacy v1 config: its browsing model cannot be compared)"
        if spec.handover_to:
            note += " (its handover targets cannot be read back from the API, so they were not "
            note += "compared)"
        ctx.result.notes.append(note)
        return _labels(assignment, live, outcome)
    outcome.notes.append("the live build was changed outside git (it has no duvoform digest)")
    return _new(ctx, assignment, address, live, current, desired, outcome)


def _wanted_sub_agents(ctx: Context, spec: BuildSpec) -> dict[str, str]:
    """name -> the live id wanted in ``subAgents`` (a placeholder for one not created yet)."""
    return {
        name: ctx.live_id(assignment_address(name)) or f"(new) {name}" for name in spec.sub_agents
    }


def _new(
    ctx: Context,
    assignment: Assignment,
    address: str,
    live: Build | None,
    current: Readable,
    desired: Readable,
    outcome: BuildOutcome,
) -> BuildOutcome:
    agent_id = ctx.live_id(address)
    found = (
        existing_build(ctx, agent_id, assignment.spec.build, desired.sub_agents, live)
        if agent_id is not None
        else None
    )
    outcome.fields = readable_fields(ctx, current, desired, names=assignment.spec.build.sub_agents)
    if found is not None:
        # A revert: the desired build exists already; promotion only moves a pointer.
        outcome.op = Op.BUILD_PROMOTE
        outcome.params = promote_params(address, assignment.spec.build, found)
        outcome.target = found
        outcome.fields.insert(0, promote_field(live, found))
        outcome.fields += _label_fields(assignment, live)
        outcome.notes.append(
            f"promote build {build_label(found)}: it is the desired build already (the same "
            "digest), so no new build is made"
        )
        return outcome
    outcome.op = Op.BUILD_CREATE
    outcome.params = new_build_params(assignment, address, live.id if live else None)
    if current.version == "v1":
        outcome.fields.insert(0, FieldChange("build.config_version", "v1", "v2"))
    outcome.fields += _label_fields(assignment, live)
    spec = assignment.spec.build
    listed = parse_handover(live.name) if live is not None else None
    if listed is not None and sorted(listed) != sorted(spec.handover_to):
        outcome.fields.append(
            FieldChange("build.handover_to", sorted(listed), sorted(spec.handover_to))
        )
    if not outcome.fields:
        outcome.notes.append(_unreadable_change(spec, handover_listed=listed is not None))
    return outcome


def _unreadable_change(spec: BuildSpec, *, handover_listed: bool) -> str:
    """Why a build whose readable config is unchanged still gets a new one: its digest
    differs in what the API cannot read back."""
    reasons = []
    if spec.sub_agents:
        reasons.append("the name of a sub-agent (the digest holds names, the build holds ids)")
    if spec.handover_to and not handover_listed:
        reasons.append("the handover targets")
    if spec.connections:
        reasons.append("the connections")
    if not reasons:
        return (
            "the readable config is unchanged, but the live build's digest differs: it was "
            "made from a manifest that said something this one does not"
        )
    return (
        "the readable config is unchanged; what changed is what the API cannot read back: "
        + ", or ".join(reasons)
    )


def _label_fields(assignment: Assignment, live: Build | None) -> list[FieldChange]:
    spec = assignment.spec.build
    fields = []
    for label in ("revision_name", "revision_description"):
        before = getattr(live, label) if live is not None else None
        after = getattr(spec, label)
        if before != after:
            fields.append(FieldChange(f"build.{label}", before, after))
    return fields


def _labels(assignment: Assignment, live: Build, outcome: BuildOutcome) -> BuildOutcome:
    fields = _label_fields(assignment, live)
    if fields:
        outcome.op = Op.BUILD_UPDATE
        outcome.params = {"build": live.id}
        for change in fields:
            outcome.params[change.path.removeprefix("build.")] = change.after
        outcome.fields = fields
    return outcome


def readable_fields(
    ctx: Context,
    current: Readable,
    desired: Readable,
    *,
    names: tuple[str, ...] | None = None,
) -> list[FieldChange]:
    """The readable differences between a live and the desired build, in a fixed order.

    ``names``: the desired sub-agents' names, to show instead of ids (live ids are shown by
    their assignment's name when it is known).
    """
    out: list[FieldChange] = []
    if current.version == "other":
        out.append(FieldChange("build.config_version", current.version, "v2"))
    if current.model != desired.model:
        out.append(FieldChange("build.model", current.model, desired.model))
    if current.version == "v2" and current.browsing != desired.browsing:
        out.append(FieldChange("build.browsing", current.browsing, desired.browsing))
    if current.sop != desired.sop:
        out.append(FieldChange("build.sop", current.sop, desired.sop))
    for label in ("skills", "files", "plugins"):
        before, after = getattr(current, label), getattr(desired, label)
        if before != after:
            out.append(FieldChange(f"build.{label}", sorted(before), sorted(after)))
    if current.version == "v1":
        # A legacy config has no place for these (plugins are compared above, as empty).
        if desired.sub_agents:
            shown = sorted(names) if names is not None else sorted(desired.sub_agents)
            out.append(FieldChange("build.sub_agents", [], shown))
        if desired.options:
            out.append(FieldChange("build.options", None, desired.options))
    if current.version == "v2":
        if current.sub_agents != desired.sub_agents:
            shown_after = sorted(names) if names is not None else sorted(desired.sub_agents)
            out.append(
                FieldChange("build.sub_agents", _agent_names(ctx, current.sub_agents), shown_after)
            )
        if (current.options or {}) != (desired.options or {}):
            out.append(FieldChange("build.options", current.options, desired.options))
    return out


def _agent_names(ctx: Context, ids: frozenset[str]) -> list[str]:
    names = []
    for agent_id in ids:
        agent = ctx.live.agent(agent_id)
        names.append(agent.name if agent is not None else agent_id)
    return sorted(names)
