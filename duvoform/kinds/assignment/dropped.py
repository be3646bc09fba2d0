"""Say which connections a new build drops or renames, instead of "the digest differs".

A build's connections are in its digest, but not in its readable config: when the manifest
removes a connection from ``spec.build.connections`` (or renames one), the build differ sees
an unchanged readable config and a different digest. The connections the live build is pinned
to (``duvoform.engine.pins``, from what the plan read anyway) tell what changed:
``build.connections: ["KB"] -> []``.
"""

from __future__ import annotations

from duvoform.api.models import Agent
from duvoform.engine.context import Context
from duvoform.engine.plan import FieldChange
from duvoform.kinds.assignment.model import Assignment

__all__ = ["explain_connections"]

_UNREADABLE = "the readable config is unchanged"


def explain_connections(
    ctx: Context, assignment: Assignment, agent: Agent, fields: list[FieldChange], notes: list[str]
) -> None:
    """Add ``build.connections`` (live pins -> manifest) to a new build's ``fields`` when they
    differ and nothing else shows it, and drop the note that only said the digest differs."""
    if any(field.path == "build.connections" for field in fields):
        return
    pinned = ctx.pinned.get(agent.id)
    if pinned is None:
        return
    before = sorted(
        {conn.name if (conn := ctx.live.connection(i)) is not None else i for i in pinned}
    )
    after = sorted(set(assignment.spec.build.connections))
    if before == after:
        return
    fields.append(FieldChange("build.connections", before, after))
    notes[:] = [note for note in notes if not note.startswith(_UNREADABLE)]
