"""Where an assignment's live build came from: duvoform, or someone working by hand.

``drift`` asks this when a plan would make a new build, to tell an apply that is due from a
change made outside git. The evidence is the build name duvoform writes
(``duvoform:<digest>``, see ``digest``) and the builds the plan read:

- the live build's name carries no digest: it was **made outside duvoform** (the web app, or a
  client of the API);
- a build newer than the live one carries a digest: duvoform made it and something else is
  live now, so a build was **promoted by hand** (or an apply stopped before promoting; the
  builds are read only when the newest one is not live);
- the live build's readable config, digested as duvoform digests a manifest, gives **another
  digest than its name**: the build was made elsewhere under a copied name;
- otherwise the live build is what duvoform last applied, and the manifests moved on: an apply
  is **pending**.

The digest holds what the API cannot always read back (handover targets, connections); those
are tried from what the live build shows (the handover list in its name, the connections pinned
to its slots), from the manifest, and empty. A build whose config cannot be digested at all (an
SOP of structured messages, a sub-agent that is not live) counts as what its name says.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from duvoform.api.models import Build, BuildConfigV2
from duvoform.engine.context import Context
from duvoform.engine.live import LiveState
from duvoform.engine.plan import FieldChange
from duvoform.kinds import BuildSpec
from duvoform.kinds.assignment.build import assignment_address, readable_fields
from duvoform.kinds.assignment.digest import (
    build_digest,
    desired_readable,
    digest_of,
    is_bootstrap,
    live_readable,
    parse_digest,
    parse_handover,
    without_nulls,
)

__all__ = ["Provenance", "build_provenance", "tampered_fields"]

Origin = Literal["outside", "duvoform"]


@dataclass(frozen=True)
class Provenance:
    """``origin``: ``"outside"`` (made or promoted by hand) or ``"duvoform"`` (what an
    apply left); ``reason``: one sentence for a reader."""

    origin: Origin
    reason: str


def build_provenance(live: LiveState, agent_id: str, desired: BuildSpec) -> Provenance:
    """Where the live build of assignment ``agent_id`` came from (see the module docstring)."""
    build = live.live_build(agent_id)
    if build is None:
        return Provenance("outside", "the assignment has no build")
    digest = parse_digest(build.name)
    if digest is None:
        if is_bootstrap(build.name):
            return Provenance(
                "duvoform", "an interrupted apply left the first build unfinished: apply again"
            )
        return Provenance(
            "outside",
            f"the live build {build.id} was not made by duvoform (its name has no digest)",
        )
    newer = _newer_duvoform_build(live.builds.get(agent_id, ()), build)
    if newer is not None:
        return Provenance(
            "outside",
            f"the live build {build.id} was promoted by hand: duvoform's newer build "
            f"{newer.id} is not live (or an apply stopped before promoting it)",
        )
    if _digests(live, agent_id, build, desired) is False:
        return Provenance(
            "outside",
            f"the live build {build.id} is named for digest {digest}, but its config no "
            "longer matches it",
        )
    return Provenance(
        "duvoform",
        f"the live build {build.id} is the one duvoform made (digest {digest}); the "
        "manifests changed since: an apply is due",
    )


def tampered_fields(ctx: Context, agent_id: str, desired: BuildSpec) -> list[FieldChange] | None:
    """The readable differences (live -> desired) of a live build that carries the desired
    digest but whose config no longer digests to it (it was changed in place, keeping its
    name); None when the build is not such a build. A plan trusts the digest and sees no change
    here, so only ``drift`` reports it."""
    live = ctx.live
    build = live.live_build(agent_id)
    if build is None or parse_digest(build.name) != build_digest(desired):
        return None
    if _digests(live, agent_id, build, desired) is not False:
        return None
    wanted = frozenset(
        ctx.live_id(assignment_address(name)) or f"(new) {name}" for name in desired.sub_agents
    )
    current = live_readable(build)
    target = desired_readable(desired, wanted)
    return readable_fields(ctx, current, target, names=desired.sub_agents)


def _newer_duvoform_build(builds: Iterable[Build], live: Build) -> Build | None:
    rank = float(live.revision_number or 0)
    newer = [
        b
        for b in builds
        if b.id != live.id
        and parse_digest(b.name) is not None
        and float(b.revision_number or 0) > rank
    ]
    return max(newer, key=lambda b: float(b.revision_number or 0), default=None)


def _digests(live: LiveState, agent_id: str, build: Build, desired: BuildSpec) -> bool | None:
    """True when the live config digests to the digest in its name, False when it cannot,
    None when the config cannot be digested (see the module docstring)."""
    if not isinstance(build.config, BuildConfigV2):
        return False
    readable = live_readable(build)
    if not isinstance(readable.sop, str) or readable.browsing is None:
        return None
    names = []
    for sub_agent in readable.sub_agents:
        agent = live.agent(sub_agent)
        if agent is None:
            return None
        names.append(agent.name)
    base: dict[str, Any] = {
        "model": readable.model,
        "browsing": readable.browsing,
        "sop": readable.sop,
        "skills": sorted(readable.skills),
        "files": sorted(readable.files),
        "plugins": sorted(readable.plugins),
        "sub_agents": sorted(names),
        "options": without_nulls(dict(readable.options or {})),
    }
    listed = parse_handover(build.name)
    handovers = [listed] if listed is not None else [tuple(desired.handover_to), ()]
    connections = [tuple(desired.connections), (), _pinned(live, agent_id, build.id)]
    wanted = parse_digest(build.name)
    for handover, connected in itertools.product(handovers, connections):
        doc = {**base, "handover_to": sorted(handover), "connections": sorted(connected)}
        if digest_of(doc) == wanted:
            return True
    return False


def _pinned(live: LiveState, agent_id: str, build_id: str) -> Sequence[str]:
    """The names of the connections pinned to the build's slots, as far as the plan read them."""
    names: list[str] = []
    for slot in live.slots.get((agent_id, build_id), ()):
        for pin in live.pins.get((agent_id, build_id, slot.id), ()):
            connection = live.connection(pin.connection_id) if pin.connection_id else None
            if connection is not None:
                names.append(connection.name)
    return names
