"""Evaluating compiled rules over many objects, fast, and each broken rule reported once.

``Evaluator.failing(rules, data)`` gives the rules that are false for one object. All the
rules that apply to an object are evaluated as one compiled list expression (one call into
the CEL runtime per object); only when that fails (a rule reads a missing field, or gives
something other than true or false) are they evaluated one by one, to find the culprit.
A rule that fails to evaluate is *broken*: it is recorded once, with the first object it
failed on, and not evaluated again in this run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cel_expr_python import cel

from duvoform.policies.compile import combined, compile_rule, environment
from duvoform.policies.model import Policy

__all__ = ["Broken", "Evaluator", "IndexedPolicy"]


@dataclass(frozen=True)
class IndexedPolicy:
    """A policy with its position in ``duvoform.yaml``'s ``policies`` list."""

    index: int
    policy: Policy


@dataclass(frozen=True)
class Broken:
    """A rule that could not be evaluated: why, and the object (label) it first failed on."""

    rule: IndexedPolicy
    subject: str
    reason: str


class Evaluator:
    """Evaluates rules of one scope (``manifest``, ``plan`` or ``plan-wide``)."""

    def __init__(self, scope: str) -> None:
        self._scope = scope
        self._env = environment(scope)
        self.broken: dict[int, Broken] = {}

    def failing(
        self, rules: Sequence[IndexedPolicy], data: Mapping[str, Any], subject: str
    ) -> list[IndexedPolicy]:
        """The rules that are false for ``data`` (the CEL variables), in the order given.

        ``subject`` names the object for a broken rule's report (``Assignment "X"``).
        """
        active = [r for r in rules if r.index not in self.broken]
        if not active:
            return []
        activation = self._env.Activation(data)
        if len(active) > 1:
            key = tuple(r.policy.rule for r in active)
            value = combined(self._scope, key).eval(activation)
            if value.type() != cel.Type.ERROR:
                results = value.plain_value()
                if isinstance(results, list) and all(isinstance(v, bool) for v in results):
                    return [r for r, ok in zip(active, results, strict=True) if not ok]
        return [r for r in active if not self._one(r, activation, subject)]

    def _one(self, rule: IndexedPolicy, activation: cel.Activation, subject: str) -> bool:
        """True when ``rule`` holds (or is broken: reported once, never a finding)."""
        on = rule.policy.on
        value = compile_rule(on, rule.policy.rule).eval(activation)
        if value.type() == cel.Type.ERROR:
            reason = _error_reason(str(value.value()), self._scope)
            self.broken[rule.index] = Broken(rule, subject, reason)
            return True
        result = value.plain_value()
        if not isinstance(result, bool):
            kind = value.type().name().lower()
            reason = f"a rule must be true or false, but this one gave {kind}"
            self.broken[rule.index] = Broken(rule, subject, reason)
            return True
        return result


def _error_reason(message: str, scope: str) -> str:
    """The CEL runtime's error in words, with the usual fix for a missing field."""
    text = message.split(": ", 1)[1] if message.startswith(("NOT_FOUND", "INVALID")) else message
    if message.startswith("NOT_FOUND") or "no such key" in message.lower():
        missing = text.rsplit(":", 1)[-1].strip()
        example = ", e.g. has(object.spec.build.sop_file)" if scope == "manifest" else ""
        return (
            f"it reads the field {missing}, which this object does not have; test fields "
            f"that may be left out with has() first{example}"
        )
    return text
