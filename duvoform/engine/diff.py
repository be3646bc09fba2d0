"""Diff: desired state against live state, normalised, into unordered ``Change`` values.

``diff(desired, live, matches, options) -> DiffResult``. One module per kind
(``folder``, ``assignment`` with ``build``, ``connection``), the build digest and normalisation
in ``digest``, and the fingerprints a plan file keeps in ``fingerprint``. Folders are diffed
first, then connections, then assignments, then the deletes (folders: they wait for the moves
out of the folder; connections: ``delete``), and last the note on undeclared live objects that
the plan keeps. ``duvoform.engine.order`` then puts the changes in execution order, and
``duvoform.engine.safety`` checks the ordered plan against the safety rails.
"""

from __future__ import annotations

from duvoform.engine.context import Context, DiffOptions, DiffResult
from duvoform.engine.fingerprint import fingerprint, fingerprints
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveState
from duvoform.engine.match import Matches
from duvoform.engine.prune import plan_connection_deletes, report_unmanaged
from duvoform.engine.safety import safety_error
from duvoform.kinds.assignment.diff import diff_assignments
from duvoform.kinds.assignment.digest import build_digest, build_name, parse_digest
from duvoform.kinds.connection.diff import diff_connections
from duvoform.kinds.folder.diff import diff_folders, plan_folder_deletes

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
    diff_folders(ctx)
    diff_connections(ctx)
    diff_assignments(ctx)
    plan_folder_deletes(ctx)
    plan_connection_deletes(ctx)
    report_unmanaged(ctx)
    if check_safety and ctx.result.safety:
        raise safety_error(problem for _, problem in ctx.result.safety)
    return ctx.result
