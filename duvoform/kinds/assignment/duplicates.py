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

__all__ = ["Duplicate", "check_duplicates", "duplicates_of"]


@dataclass(frozen=True)
class Duplicate:
    """An unmanaged live assignment that a create would duplicate, and why we think so."""

    agent: Agent
    why: str

    def sentence(self) -> str:
        """``"Deal desk (renamed)" (id …) runs this manifest's build (same digest)``."""
        return f"{quote(self.agent.name)} (id {self.agent.id}) {self.why}"


def _by_digest(ctx: Context) -> dict[str, list[Agent]]:
    found: dict[str, list[Agent]] = {}
    for agent in ctx.matches.unmanaged_agents:
        build = ctx.live.live_build(agent.id)
        digest = parse_digest(build.name) if build is not None else None
        if digest is not None:
            found.setdefault(digest, []).append(agent)
    return found


def duplicates_of(
    ctx: Context, assignment: Assignment, by_digest: dict[str, list[Agent]]
) -> list[Duplicate]:
    """The unmanaged live assignments that creating ``assignment`` would duplicate."""
    out: dict[str, Duplicate] = {}
    for agent in by_digest.get(build_digest(assignment.spec.build), ()):
        out[agent.id] = Duplicate(agent, "runs this manifest's build (same digest)")
    known = ctx.options.known_names
    for agent in ctx.matches.unmanaged_agents:
        if agent.id in out or agent.name == assignment.name:
            continue
        if known.get(agent.id) == assignment.name:
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
    by_digest = _by_digest(ctx)
    for index, change in creates:
        assignment = ctx.desired.get(Assignment.KIND, change.name)
        if not isinstance(assignment, Assignment):
            continue
        found = duplicates_of(ctx, assignment, by_digest)
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
