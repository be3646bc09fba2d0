"""Diff: desired state against live state, normalised, into unordered ``Change`` values.

``diff(desired, live, matches, options) -> DiffResult``. Each kind's home differs its own
objects (``KindHome.diff``), in the registry's order (folders, connections, assignments), then
each adds its deletes (``KindHome.deletes``: folders wait for the moves out of them), and last
comes the note on undeclared live objects that the plan keeps. ``duvoform.engine.order`` then
puts the changes in execution order, and ``duvoform.engine.safety`` checks the ordered plan
against the safety rails.
"""

from __future__ import annotations

from duvoform.engine.context import Context, DiffOptions, DiffResult
from duvoform.engine.fingerprint import fingerprint, fingerprints
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveState
from duvoform.engine.match import Matches
from duvoform.engine.prune import report_unmanaged
from duvoform.engine.safety import safety_error
from duvoform.kinds.assignment.digest import build_digest, build_name, parse_digest
from duvoform.kinds.registry import homes

__all__ = [
    "DiffOptions",
    "DiffResult",
    "build_digest",
    "build_name",
    "diff",
    "fingerprint",
    "fingerprints",
    "parse_digest",
    "safety_error",
]


def diff(
    desired: DesiredState,
    live: LiveState,
    matches: Matches,
    options: DiffOptions | None = None,
    *,
    check_safety: bool = True,
) -> DiffResult:
    """Every change that makes live state match ``desired`` (unordered; see ``order``).

    Raises ``SafetyError`` listing every refusal a differ recorded (``DiffResult.safety``),
    unless ``check_safety`` is False (the caller then raises ``safety_error`` for the part it
    keeps). The plan-wide rails are ``duvoform.engine.safety.check``'s, run on the ordered plan.
    """
    ctx = Context(desired, live, matches, options or DiffOptions())
    ctx.result.ids.update(matches.ids())
    for kind in homes():
        kind.diff(ctx)
    for kind in homes():
        kind.deletes(ctx)
    report_unmanaged(ctx)
    if check_safety and ctx.result.safety:
        raise safety_error(problem for _, problem in ctx.result.safety)
    return ctx.result
