"""``plan --probe`` and ``--strict``: the pre-flight checks of a finished plan, as plan data.

``probe_plan`` runs ``duvoform.kinds.connection.probe.preflight`` over the plan's connections
(with ``--target``, only the ones the narrowed plan touches or names) and adds what it finds to
the plan: problems to its ``warnings``, probes sent without secrets to its ``notes``.
``strict_error`` is the refusal ``--strict`` turns those problems into.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from duvoform.api.client import DuvoClient
from duvoform.engine.planner import PlanResult
from duvoform.errors import PlanError, Problem
from duvoform.kinds.connection.probe import Finding, preflight

__all__ = ["probe_plan", "strict_error"]


async def probe_plan(
    client: DuvoClient, result: PlanResult, targets: Sequence[str] = ()
) -> tuple[PlanResult, list[Finding]]:
    """``result`` with the pre-flight findings among its warnings and notes, and the findings
    that are problems (not notes)."""
    scope = None
    if targets:
        scope = {c.address for c in result.plan.changes} | set(targets)
    findings = await preflight(client, result.desired, addresses=scope)
    if findings:
        warnings = result.plan.warnings + tuple(f.render() for f in findings if not f.note)
        notes = result.plan.notes + tuple(f.render() for f in findings if f.note)
        result = replace(result, plan=replace(result.plan, warnings=warnings, notes=notes))
    return result, [finding for finding in findings if not finding.note]


def strict_error(findings: Sequence[Finding]) -> PlanError:
    """The error ``--strict`` raises for ``findings`` (problems found by ``probe_plan``)."""
    return PlanError(
        [Problem(None, (finding.render(),)) for finding in findings],
        f"--strict: the pre-flight checks found {len(findings)} problem"
        f"{'s' if len(findings) != 1 else ''}, so no plan was saved",
    )
