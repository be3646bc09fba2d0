"""A new assignment next to an unmanaged one that is probably the same (DESIGN §4).

The API cannot delete assignments, so a create that duplicates one is permanent. The usual
cause is a rename in the web app: the manifest's name is free, so the plan would create it,
while the renamed assignment still runs the manifest's build. For every assignment the plan
creates, an *unmanaged* live assignment (no manifest claimed it) is a likely duplicate when

- its live build carries this manifest's build digest (``duvoform:<digest>`` in the build
  name: duvoform made that build from these manifests), or
- the local name index (``duvoform.lookup.index``) knew its id under the manifest's name (it
  was called that when duvoform last listed the team).

Both use what the plan read anyway (the assignment list embeds each live build), so the check
costs no request. The create change names each such assignment and how to adopt it
(``metadata.previous_names`` or ``metadata.id``), and the plan is refused before any write
unless ``--allow-duplicate`` (``DiffOptions.allow_duplicate``) is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from duvoform.api.models import Agent
from duvoform.engine.context import Context
from duvoform.engine.plan import Action, Change
from duvoform.kinds.assignment.digest import build_digest, parse_digest
from duvoform.kinds.assignment.model import Assignment
from duvoform.text import quote

__all__ = ["Duplicate", "Unmanaged", "check_duplicates", "duplicates_of"]


@dataclass(frozen=True)
class Duplicate:
    """An unmanaged live assignment that a create would duplicate, and why we think so."""

    agent: Agent
    why: str

    def sentence(self) -> str:
        """``"Deal desk (renamed)" (id …) runs this manifest's build (same digest)``."""
        return f"{quote(self.agent.name)} (id {self.agent.id}) {self.why}"


@dataclass(frozen=True)
class Unmanaged:
    """The unmanaged live assignments, indexed the two ways a duplicate is recognised: by the
    build digest in their live build's name, and by the name the local index knew them by."""

    by_digest: dict[str, list[Agent]]
    by_known_name: dict[str, list[Agent]]

    @classmethod
    def of(cls, ctx: Context) -> Unmanaged:
        """The index of ``ctx``'s unmanaged assignments (one pass over them)."""
        by_digest: dict[str, list[Agent]] = {}
        by_known_name: dict[str, list[Agent]] = {}
        known = ctx.options.known_names
        for agent in ctx.matches.unmanaged_agents:
            build = ctx.live.live_build(agent.id)
            digest = parse_digest(build.name) if build is not None else None
            if digest is not None:
                by_digest.setdefault(digest, []).append(agent)
            was = known.get(agent.id)
            if was is not None and was != agent.name:
                by_known_name.setdefault(was, []).append(agent)
        return cls(by_digest, by_known_name)


def duplicates_of(assignment: Assignment, unmanaged: Unmanaged) -> list[Duplicate]:
    """The unmanaged live assignments that creating ``assignment`` would duplicate."""
    out: dict[str, Duplicate] = {}
    for agent in unmanaged.by_digest.get(build_digest(assignment.spec.build), ()):
        out[agent.id] = Duplicate(agent, "runs this manifest's build (same digest)")
    for agent in unmanaged.by_known_name.get(assignment.name, ()):
        if agent.id not in out:
            out[agent.id] = Duplicate(
                agent, f"was called {quote(assignment.name)} when duvoform last listed the team"
            )
    return sorted(out.values(), key=lambda d: (d.agent.name, d.agent.id))


def _advice(assignment: Assignment, found: list[Duplicate]) -> str:
    first = found[0].agent
    names = ", ".join(d.sentence() for d in found)
    return (
        f"creating it would duplicate a live assignment that no manifest claims: {names}; "
        "the API cannot delete assignments, so a duplicate stays. If it is this assignment, "
        f"adopt it with metadata.previous_names: [{quote(first.name)}] or metadata.id: "
        f"{first.id} (either renames it to {quote(assignment.name)}); to create a "
        "second assignment anyway, pass --allow-duplicate"
    )


def check_duplicates(ctx: Context) -> None:
    """Name the likely duplicate on every assignment create, and refuse the plan for it
    unless ``--allow-duplicate`` (see the module docstring)."""
    creates = [
        (i, c)
        for i, c in enumerate(ctx.result.changes)
        if c.kind == Assignment.KIND and c.action is Action.CREATE
    ]
    if not creates or not ctx.matches.unmanaged_agents:
        return
    unmanaged = Unmanaged.of(ctx)
    for index, change in creates:
        assignment = ctx.desired.get(Assignment.KIND, change.name)
        if not isinstance(assignment, Assignment):
            continue
        found = duplicates_of(assignment, unmanaged)
        if not found:
            continue
        advice = _advice(assignment, found)
        if ctx.options.allow_duplicate:
            note = "created next to a likely duplicate (--allow-duplicate): " + ", ".join(
                d.sentence() for d in found
            )
        else:
            note = advice[0].upper() + advice[1:]
            where = ctx.desired.manifests.locate(assignment, ("metadata", "name"))
            ctx.refuse(change.address, where, advice, assignment.label)
        ctx.result.changes[index] = _with_note(change, note)


def _with_note(change: Change, note: str) -> Change:
    return replace(change, notes=(*change.notes, note))
