"""Policy checks: rules in CEL over manifests and plans, declared in ``duvoform.yaml``.

``Policy`` is the configuration model (``duvoform.policies.model``); rules are compiled once
per run (``duvoform.policies.compile``), evaluated in bulk (``duvoform.policies.evaluate``),
and turned into problems, warnings and plan refusals (``duvoform.policies.checks``).
"""

from __future__ import annotations

from duvoform.policies.checks import ManifestFindings, check_manifests, check_plan, finding_text
from duvoform.policies.model import Policy, Severity

__all__ = [
    "ManifestFindings",
    "Policy",
    "Severity",
    "check_manifests",
    "check_plan",
    "finding_text",
]
