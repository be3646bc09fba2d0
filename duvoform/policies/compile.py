"""Compiling policy rules: one CEL environment per kind of rule, each rule compiled once.

A manifest rule sees ``object``; a plan rule sees ``change`` and ``plan``, and a plan rule that
reads only ``plan`` is *plan-wide* (evaluated once per plan, not once per change). The CEL
runtime is ``cel-expr-python`` (the C++ implementation of CEL, with its type checker), with
the strings extension (``lowerAscii``, ``split``, ``replace``, ...).

Compiled expressions are cached by ``(on, rule)``: the ``duvoform.yaml`` validator compiles
each rule to report its errors, and the evaluator asks for the same compiled expression.
Rules that run together over one object are also compiled into one list expression
(``combined``): one evaluation per object instead of one per rule, which is most of the
cost of evaluating many rules over many objects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Literal

from cel_expr_python import cel
from cel_expr_python.ext import ext_strings

__all__ = [
    "CompileFault",
    "RuleOn",
    "combined",
    "compile_rule",
    "environment",
    "is_plan_wide",
]

RuleOn = Literal["manifest", "plan"]
"""What a rule is checked against: every manifest document, or every change of a plan."""

_VARIABLES: dict[str, tuple[str, ...]] = {
    "manifest": ("object",),
    "plan": ("change", "plan"),
    "plan-wide": ("plan",),
}

_ERROR = re.compile(r"ERROR: <input>:(\d+):(\d+): (.*)")


class CompileFault(Exception):
    """A rule that does not compile; ``reasons`` holds one sentence per CEL error."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(self.reasons))


@cache
def environment(scope: str) -> cel.Env:
    """The CEL environment of ``scope`` (``manifest``, ``plan`` or ``plan-wide``)."""
    return cel.NewEnv(
        variables={name: cel.Type.DYN for name in _VARIABLES[scope]},
        extensions=[ext_strings.ExtStrings()],
    )


@cache
def compile_rule(on: RuleOn, rule: str) -> cel.Expression:
    """The compiled ``rule``; ``CompileFault`` when it does not compile or cannot give a bool."""
    try:
        expression = _compile(on, rule)
    except CompileFault as fault:
        if any("undeclared reference" in reason for reason in fault.reasons):
            names = " and ".join(f"'{name}'" for name in _VARIABLES[on])
            hint = f"a rule with 'on: {on}' sees {names}"
            raise CompileFault([*fault.reasons, hint]) from None
        raise
    result = expression.return_type()
    if result != cel.Type.BOOL and result != cel.Type.DYN:
        raise CompileFault(
            [f"a rule must be true or false, but this one gives {_type_name(result)}"]
        )
    return expression


@cache
def is_plan_wide(rule: str) -> bool:
    """True when a plan rule reads ``plan`` only (no ``change``): it runs once per plan."""
    try:
        _compile("plan-wide", rule)
    except CompileFault:
        return False
    return True


@cache
def combined(scope: str, rules: tuple[str, ...]) -> cel.Expression:
    """One expression giving the list of the results of ``rules`` (each already compiled
    alone, so this cannot fail). A line break closes each rule, which may end in a comment."""
    return _compile(scope, "[" + ", ".join(f"(\n{rule}\n)" for rule in rules) + "]")


def _compile(scope: str, rule: str) -> cel.Expression:
    try:
        return environment(scope).compile(rule)
    except RuntimeError as exc:
        raise CompileFault(_reasons(str(exc), rule)) from None


def _reasons(message: str, rule: str) -> list[str]:
    """One readable sentence per error in a CEL compiler message.

    The compiler writes ``ERROR: <input>:LINE:COL: what`` lines, each followed by the
    source line and a caret; the position is given as a column (and a line, when the rule
    has several).
    """
    reasons = []
    for found in _ERROR.finditer(message):
        line, col, what = int(found[1]), int(found[2]), found[3].strip()
        what = what.removesuffix("[INVALID_ARGUMENT]").strip()
        what = what.replace(" (in container '')", "")
        where = f"line {line}, column {col}" if "\n" in rule.strip() else f"column {col}"
        reasons.append(f"the rule does not compile: {where}: {what}")
    if not reasons:
        text = message.removeprefix("INVALID_ARGUMENT: ").splitlines()[0]
        reasons.append(f"the rule does not compile: {text}")
    return reasons


def _type_name(kind: cel.Type) -> str:
    return str(kind.name()).lower()
