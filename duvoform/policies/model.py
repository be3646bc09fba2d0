"""The ``policies:`` section of ``duvoform.yaml``: one ``Policy`` per rule.

::

    policies:
      - name: approved-models                  # unique; shown in every finding
        message: Agents must run an approved model
        kinds: [Assignment]                    # optional: only these kinds (default: all)
        on: manifest                           # manifest (default) or plan
        rule: "object.spec.build.model in ['claude-sonnet-4-6', 'claude-opus-4-7']"
        severity: error                        # error (default) or warning

Each rule is compiled while ``duvoform.yaml`` is validated, so a rule that does not compile
is reported at its line there together with every other problem of that file.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator
from pydantic import model_validator as _model_validator
from pydantic_core import PydanticCustomError

from duvoform.kinds.base import ManifestModel, Name
from duvoform.kinds.registry import kinds as registered_kinds
from duvoform.policies.compile import CompileFault, RuleOn, compile_rule
from duvoform.text import did_you_mean, quote

__all__ = ["Policy", "Severity", "unique_policy_names"]

Severity = Literal["error", "warning"]
"""``error`` refuses (a manifest problem, or a refused plan); ``warning`` is only shown."""


def _known_kind(value: str) -> str:
    known = sorted(registered_kinds())
    if value not in known:
        raise PydanticCustomError(
            "unknown_kind",
            "unknown kind {kind}{hint} (known kinds: {known})",
            {"kind": quote(value), "hint": did_you_mean(value, known), "known": ", ".join(known)},
        )
    return value


KindName = Annotated[
    str,
    AfterValidator(_known_kind),
    Field(json_schema_extra=lambda schema: schema.update(enum=sorted(registered_kinds()))),
]


class Policy(ManifestModel):
    """One rule every manifest document (``on: manifest``) or plan change (``on: plan``) must
    satisfy."""

    name: Name
    """Unique among the policies; every finding names it."""
    message: Annotated[str, StringConstraints(min_length=1)] | None = None
    """What a finding says (default: the rule itself)."""
    kinds: tuple[KindName, ...] = ()
    """Check only documents (or changes) of these kinds (default: every kind)."""
    on: RuleOn = "manifest"
    """``manifest``: the rule sees ``object``, each manifest document after templating, with
    defaults applied. ``plan``: the rule sees ``change`` (one change of the plan's JSON form)
    and ``plan`` (``plan.summary``); a rule that reads only ``plan`` runs once per plan."""
    rule: Annotated[str, StringConstraints(min_length=1)]
    """A CEL expression that must be true."""
    severity: Severity = "error"
    """``error`` refuses; ``warning`` is shown and kept in the plan's warnings."""

    @_model_validator(mode="before")
    @classmethod
    def _on_key(cls, data: Any) -> Any:
        # YAML 1.1 reads a bare ``on`` key as true (GitHub Actions workflows have the same
        # quirk); a policy has no boolean keys, so that key can only mean ``on``.
        if isinstance(data, dict) and True in data and "on" not in data:
            return {("on" if key is True else key): value for key, value in data.items()}
        return data

    @field_validator("rule")
    @classmethod
    def _compiles(cls, rule: str, info: ValidationInfo) -> str:
        on = info.data.get("on", "manifest")
        try:
            compile_rule(on, rule)
        except CompileFault as fault:
            raise PydanticCustomError(
                "cel_compile", "{reasons}", {"reasons": "; ".join(fault.reasons)}
            ) from None
        return rule

    @property
    def text(self) -> str:
        """What a finding of this policy says."""
        return self.message if self.message is not None else f"the rule {quote(self.rule)} is false"

    def applies_to(self, kind: str) -> bool:
        """True when this policy checks objects (or changes) of ``kind``."""
        return not self.kinds or kind in self.kinds


def unique_policy_names(policies: tuple[Policy, ...]) -> tuple[Policy, ...]:
    """Reject two policies with one name (findings would be ambiguous)."""
    seen: dict[str, int] = {}
    for index, policy in enumerate(policies):
        first = seen.setdefault(policy.name, index)
        if first != index:
            raise PydanticCustomError(
                "duplicate_policy",
                "policies[{first}] and policies[{index}] are both named {name}; policy names "
                "must be unique",
                {"first": first, "index": index, "name": quote(policy.name)},
            )
    return policies
