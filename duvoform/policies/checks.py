"""Running the policies: over manifest documents (``check_manifests``) and plans (``check_plan``).

::

    duvoform.yaml policies ─compile (while validating duvoform.yaml)─▶ Policy
    Resources ─model_dump (json)─▶ object ─Evaluator─▶ findings ─▶ problems | warnings
    Plan ─Change.to_json─▶ change, plan.summary ─Evaluator─▶ findings ─▶ refusals | plan warnings

A finding of an ``error`` policy is a problem at the document's ``file:line`` (manifest rules)
or a refusal of the plan like a safety rail (plan rules); a ``warning`` finding is kept with
the warnings. A rule that cannot be evaluated (it reads a field the object lacks, or gives
something other than true or false) is one problem at its line in ``duvoform.yaml``,
whatever its severity and however many objects it failed on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from duvoform.engine.plan import Change, Plan
from duvoform.errors import Location, Problem
from duvoform.kinds.base import Resource
from duvoform.manifest.discover import display_path
from duvoform.manifest.locate import SourceMap
from duvoform.policies.compile import is_plan_wide
from duvoform.policies.evaluate import Broken, Evaluator, IndexedPolicy
from duvoform.policies.model import Policy
from duvoform.text import quote

if TYPE_CHECKING:
    from duvoform.engine.graph import DesiredState
    from duvoform.manifest.project import ProjectSettings

__all__ = ["ManifestFindings", "check_manifests", "check_plan", "finding_text"]

Refusal = tuple[str | None, Problem]
"""As ``duvoform.engine.safety.Refusal``: the address refused (None: the whole plan)."""


@dataclass
class ManifestFindings:
    """What the manifest rules found: ``errors`` (problems, broken rules included) and
    ``warnings``, both as problems located in the manifests or in ``duvoform.yaml``."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def finding_text(policy: Policy) -> str:
    """How a finding reads: ``policy "name": message``."""
    return f"policy {quote(policy.name)}: {policy.text}"


def _indexed(project: ProjectSettings, on: str) -> list[IndexedPolicy]:
    return [
        IndexedPolicy(index, policy)
        for index, policy in enumerate(project.policies)
        if policy.on == on
    ]


def check_manifests(project: ProjectSettings, resources: Iterable[Resource]) -> ManifestFindings:
    """Evaluate every ``on: manifest`` policy over every resource it applies to."""
    findings = ManifestFindings()
    rules = _indexed(project, "manifest")
    if not rules:
        return findings
    evaluator = Evaluator("manifest")
    by_kind: dict[str, list[IndexedPolicy]] = {}
    for resource in resources:
        kind = resource.KIND
        applicable = by_kind.get(kind)
        if applicable is None:
            applicable = by_kind[kind] = [r for r in rules if r.policy.applies_to(kind)]
        if not applicable:
            continue
        data = {"object": resource.model_dump(mode="json", by_alias=True, exclude_none=True)}
        for rule in evaluator.failing(applicable, data, resource.label):
            problem = Problem(resource.location, (finding_text(rule.policy),), resource.label)
            target = findings.errors if rule.policy.severity == "error" else findings.warnings
            target.append(problem)
    findings.errors += _broken_problems(project, evaluator.broken.values())
    return findings


def check_plan(
    plan: Plan, desired: DesiredState, project: ProjectSettings
) -> tuple[Plan, list[Refusal]]:
    """Evaluate every ``on: plan`` policy over ``plan``: each change-reading rule once per
    change of the kinds it applies to, each plan-wide rule once.

    Returns the plan with the warning findings added to its warnings, and the refusals (error
    findings and broken rules) for ``duvoform.engine.safety.enforce``.
    """
    rules = _indexed(project, "plan")
    if not rules:
        return plan, []
    per_change = [r for r in rules if not is_plan_wide(r.policy.rule)]
    plan_wide = [r for r in rules if is_plan_wide(r.policy.rule)]
    summary = {"summary": plan.summary()}
    refusals: list[Refusal] = []
    warnings: list[str] = []
    evaluator = Evaluator("plan")
    for change in plan.changes:
        applicable = [r for r in per_change if r.policy.applies_to(change.kind)]
        if not applicable:
            continue
        data = {"change": change.to_json(), "plan": summary}
        for rule in evaluator.failing(applicable, data, change.address):
            if rule.policy.severity == "warning":
                warnings.append(f"{change.address}: {finding_text(rule.policy)}")
            else:
                refusals.append((change.address, _change_problem(rule.policy, change, desired)))
    wide = Evaluator("plan-wide")
    for rule in wide.failing(plan_wide, {"plan": summary}, "the plan"):
        if rule.policy.severity == "warning":
            warnings.append(finding_text(rule.policy))
        else:
            refusals.append((None, Problem(None, (finding_text(rule.policy),))))
    broken = [*evaluator.broken.values(), *wide.broken.values()]
    refusals += [(None, problem) for problem in _broken_problems(project, broken)]
    if warnings:
        plan = replace(plan, warnings=(*plan.warnings, *warnings))
    return plan, refusals


def _change_problem(policy: Policy, change: Change, desired: DesiredState) -> Problem:
    """An error finding on a change: at its manifest document when it has one."""
    resource = desired.get(change.kind, change.name)
    if resource is not None and desired.address(resource) == change.address:
        return Problem(resource.location, (finding_text(policy),), resource.label)
    return Problem(None, (finding_text(policy),), change.address)


def _broken_problems(project: ProjectSettings, broken: Iterable[Broken]) -> list[Problem]:
    """One problem per broken rule, at its ``rule:`` line in ``duvoform.yaml``."""
    problems = []
    for fault in sorted(broken, key=lambda b: b.rule.index):
        where = rule_location(project.file, fault.rule.index)
        reason = (
            f"policies[{fault.rule.index}].rule: policy {quote(fault.rule.policy.name)} could "
            f"not be evaluated for {fault.subject}: {fault.reason}"
        )
        problems.append(Problem(where, (reason,)))
    return problems


def rule_location(file: Path | None, index: int) -> Location | None:
    """Where ``policies[index].rule`` is in ``duvoform.yaml`` (None when there is no file)."""
    if file is None:
        return None
    sources = SourceMap()
    sources.register(file, display_path(file))
    return sources.locate(file, 0, ("policies", index, "rule"))
