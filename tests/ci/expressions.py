"""GitHub Actions expressions (``${{ ... }}``), as far as duvoform's workflows use them.

Grammar: literals (``'text'`` with ``''`` for a quote, numbers, ``true``, ``false``,
``null``), context paths (``steps.plan.outputs.exit-code``, ``a['b']``), ``!``, ``==``,
``!=``, ``&&``, ``||``, parentheses, and the functions ``success()``, ``failure()``,
``always()``, ``cancelled()``, ``contains()``, ``startsWith()``. Semantics follow GitHub's
documentation: ``&&``/``||`` return an operand, ``==`` compares strings ignoring case and
otherwise converts to numbers, and a missing property is ``null``, except in a ``Strict``
mapping, where it is an error, so that a typo in a workflow fails the test instead of
silently reading ``null``. Anything outside this grammar is an error too.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ExpressionError", "Status", "Strict", "condition", "evaluate", "interpolate"]


class ExpressionError(Exception):
    """An expression this evaluator cannot read, or a strict lookup that failed."""


class Strict(dict[str, Any]):
    """A context whose unknown keys are errors (``github``, ``inputs``, ``steps``)."""


@dataclass(frozen=True)
class Status:
    """What the status functions see: has an earlier step failed, was the run cancelled."""

    failed: bool = False
    cancelled: bool = False


_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||[!()\[\].,])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)
_EMBEDDED = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
_STATUS_FUNCTIONS = ("success(", "failure(", "always(", "cancelled(")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ExpressionError(f"cannot read {text[position:]!r} in {text!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str, contexts: Mapping[str, Any], status: Status) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0
        self.contexts = contexts
        self.status = status

    def peek(self) -> str | None:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise ExpressionError(f"unexpected end of {self.text!r}")
        token = self.tokens[self.index]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, found {token[1]!r} in {self.text!r}")
        self.index += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.index != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r} in {self.text!r}")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        value = self.unary()
        if self.peek() in ("==", "!="):
            op = self.take()[1]
            right = self.unary()
            equal = loose_equal(value, right)
            return equal if op == "==" else not equal
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r} in {self.text!r}")
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self.peek() == "(":
            return self.call(text)
        if text not in self.contexts:
            raise ExpressionError(f"unknown context {text!r} in {self.text!r}")
        return self.properties(self.contexts[text], text)

    def properties(self, value: Any, path: str) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                key = self.take()[1]
            else:
                key = str(self.or_())
                self.take("]")
            path = f"{path}.{key}"
            if isinstance(value, Strict) and key not in value:
                raise ExpressionError(f"{path} does not exist (in {self.text!r})")
            value = value.get(key) if isinstance(value, Mapping) else None
        return value

    def call(self, name: str) -> Any:
        self.take("(")
        args: list[Any] = []
        while self.peek() != ")":
            args.append(self.or_())
            if self.peek() == ",":
                self.take()
        self.take(")")
        if name == "success" and not args:
            return not self.status.failed and not self.status.cancelled
        if name == "failure" and not args:
            return self.status.failed
        if name == "always" and not args:
            return True
        if name == "cancelled" and not args:
            return self.status.cancelled
        if name == "contains" and len(args) == 2:
            haystack, needle = args
            if isinstance(haystack, list):
                return any(loose_equal(item, needle) for item in haystack)
            return to_string(needle).lower() in to_string(haystack).lower()
        if name == "startsWith" and len(args) == 2:
            return to_string(args[0]).lower().startswith(to_string(args[1]).lower())
        raise ExpressionError(f"unsupported function {name}() with {len(args)} arguments")


def truthy(value: Any) -> bool:
    """GitHub's truthiness: null, false, 0, NaN and '' are false."""
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "")


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else 0.0
        except ValueError:
            return math.nan
    return math.nan


def loose_equal(left: Any, right: Any) -> bool:
    """GitHub's ``==``: strings ignore case; mixed types compare as numbers."""
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if type(left) is type(right) and not isinstance(left, int | float):
        return bool(left == right)
    return _number(left) == _number(right)


def to_string(value: Any) -> str:
    """How a value reads when interpolated into a string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def evaluate(text: str, contexts: Mapping[str, Any], status: Status | None = None) -> Any:
    """The value of one expression (without the ``${{ }}``)."""
    return _Parser(text, contexts, status or Status()).parse()


def interpolate(value: Any, contexts: Mapping[str, Any], status: Status | None = None) -> Any:
    """``value`` with every ``${{ expr }}`` replaced; a lone expression keeps its type."""
    if not isinstance(value, str):
        return value
    whole = _EMBEDDED.fullmatch(value.strip())
    if whole is not None and value.count("${{") == 1:
        return evaluate(whole.group(1), contexts, status)
    return _EMBEDDED.sub(lambda m: to_string(evaluate(m.group(1), contexts, status)), value)


def condition(text: Any, contexts: Mapping[str, Any], status: Status) -> bool:
    """An ``if:``: an expression with or without ``${{ }}``, ``success() &&`` implied."""
    if text is None:
        return not status.failed and not status.cancelled
    if isinstance(text, bool):
        return text
    source = str(text).strip()
    whole = _EMBEDDED.fullmatch(source)
    if whole is not None and source.count("${{") == 1:
        source = whole.group(1).strip()
    elif "${{" in source:
        raise ExpressionError(f"an if: mixes text and expressions: {source!r}")
    if not any(function in source for function in _STATUS_FUNCTIONS):
        source = f"success() && ({source})"
    return truthy(evaluate(source, contexts, status))
