"""Resource bounds for templates: size, width, call and CPU limits on one rendering.

A manifest is a program, so the sandbox bounds what it can spend, not which operators it
uses. Every value a template builds (operators, ``~``, calls, filters, what it writes) is
measured, strings by characters and containers by items, nested values included; padding and
format widths are capped before the padding is built; macro and call-block depth and the
number of calls are capped; and a CPU deadline bounds one string and one manifest set. A
breach raises ``TemplateLimit``, which names the limit.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, LoopContext, Macro
from jinja2.sandbox import SandboxedEnvironment, SandboxedFormatter
from jinja2.visitor import NodeTransformer

__all__ = [
    "MAX_CALLS",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_ITEMS",
    "MAX_STRING",
    "MAX_WIDTH",
    "MAX_WRITTEN",
    "SET_SECONDS",
    "STRING_SECONDS",
    "BoundedSandbox",
    "Budget",
    "TemplateLimit",
    "guard_tree",
]

MAX_STRING = 1_000_000
"""The most characters in any value a template builds (nested values counted together)."""
MAX_ITEMS = 100_000
"""The most items in any list, tuple or dict a template builds (nested values counted)."""
MAX_WIDTH = 10_000
"""The widest padding or format width (center, ljust, rjust, zfill, indent, %- and {}-format)."""
MAX_WRITTEN = 4 * MAX_STRING
"""The most characters one rendering may write in all, its macros and blocks included."""
MAX_DEPTH = 20
"""The deepest nesting of macro calls, call blocks and recursive loops."""
MAX_CALLS = 10_000
"""The most macro, caller and recursive-loop calls in one rendering."""
MAX_INT_DIGITS = 4_300
"""The most digits of a number a template builds (Python's own limit for text)."""
STRING_SECONDS = 1.0
"""CPU seconds one templated string may take."""
SET_SECONDS = 10.0
"""CPU seconds all the templated strings of one manifest set may take together."""

_MAX_INT_BITS = int(MAX_INT_DIGITS * 3.33)
_EMIT = "__duvoform_emit"
_CONCAT = "__duvoform_concat"
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
_DIGITS = re.compile(r"\d+")
_STEPS_PER_TICK = 64  # compile work between CPU checks: a check costs a clock read


class TemplateLimit(SecurityError):
    """A template went past one of its resource limits; the message names the limit."""


def _clock() -> float:
    return time.thread_time()


class Budget:
    """What one rendering may still spend; shared by every guard of that rendering."""

    def __init__(self, set_spent: float = 0.0) -> None:
        self.start = _clock()
        self.set_spent = set_spent
        self.written = 0
        self.calls = 0
        self.depth = 0
        self.steps = 0

    def step(self) -> None:
        """Count one unit of compile work (a token, a node); tick every ``_STEPS_PER_TICK``."""
        self.steps += 1
        if not self.steps % _STEPS_PER_TICK:
            self.tick()

    def spent(self) -> float:
        """CPU seconds this rendering has used so far."""
        return _clock() - self.start

    def tick(self) -> None:
        """Raise ``TemplateLimit`` when a CPU deadline has passed."""
        spent = self.spent()
        if spent > STRING_SECONDS:
            raise TemplateLimit(f"the template took more than {STRING_SECONDS:g} s of CPU")
        if self.set_spent + spent > SET_SECONDS:
            raise TemplateLimit(
                f"the templates of this manifest set took more than {SET_SECONDS:g} s of CPU"
            )


def measure(value: Any) -> None:
    """Raise ``TemplateLimit`` when ``value`` (nested values included) is too large."""
    chars = items = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes | bytearray):
            chars += len(item)
            if chars > MAX_STRING:
                raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")
        elif isinstance(item, bool | float | None):
            continue
        elif isinstance(item, int):
            if item.bit_length() > _MAX_INT_BITS:
                raise TemplateLimit(f"a number would exceed {MAX_INT_DIGITS:,} digits")
        elif isinstance(item, dict):
            items += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            items += len(item)
            stack.extend(item)
        elif isinstance(item, range):
            items += len(item)
        if items > MAX_ITEMS:
            raise TemplateLimit(f"a value would exceed {MAX_ITEMS:,} items")


def _width(value: Any, what: str = "width") -> None:
    if isinstance(value, str):
        value = len(value)
    if isinstance(value, int) and abs(value) > MAX_WIDTH:
        raise TemplateLimit(f"a {what} of more than {MAX_WIDTH:,} is not allowed")


def _spec_widths(spec: str) -> None:
    for digits in _DIGITS.findall(spec):
        if len(digits) > 6 or int(digits) > MAX_WIDTH:
            raise TemplateLimit(f"a format width of more than {MAX_WIDTH:,} is not allowed")


def check_printf(template: Any, args: Any) -> None:
    """Refuse a ``%``-format whose widths or precisions are too large."""
    if not isinstance(template, str):
        return
    star = False
    for match in _PRINTF.finditer(template):
        for part in match.groups():
            if part == "*":
                star = True
            elif part:
                _spec_widths(part)
    if star:
        for arg in args if isinstance(args, tuple | list) else (args,):
            if isinstance(arg, int):
                _width(arg, "format width")


class _BoundedFormatter(SandboxedFormatter):
    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._total = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        _spec_widths(format_spec)
        text = super().format_field(value, format_spec)
        self._total += len(text)
        if self._total > MAX_STRING:
            raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")
        return text


def _estimate(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Check a str method's result size before it is built (padding, replace, join)."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if isinstance(owner, str | bytes):
        if name in ("center", "ljust", "rjust", "zfill", "expandtabs") and args:
            _width(args[0])
            tabs = owner.count("\t" if isinstance(owner, str) else b"\t")  # type: ignore[arg-type]
            if name == "expandtabs" and len(owner) + tabs * abs(args[0]) > MAX_STRING:
                raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")
        elif name == "replace" and len(args) >= 2:
            old, new = args[0], args[1]
            if isinstance(old, str | bytes) and isinstance(new, str | bytes):
                count = owner.count(old) if old else len(owner) + 1  # type: ignore[arg-type]
                if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
                    count = min(count, args[2])
                if len(owner) + count * (len(new) - len(old)) > MAX_STRING:
                    raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")
        elif name == "join" and args:
            parts = list(args[0]) if isinstance(args[0], Iterable) else []
            _join_size(owner, parts)
        elif name == "translate" and args and isinstance(args[0], dict):
            longest = max(
                (len(v) for v in args[0].values() if isinstance(v, str | bytes)), default=1
            )
            if len(owner) * max(1, longest) > MAX_STRING:
                raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")
    elif isinstance(owner, int) and name == "to_bytes" and args:
        _width(args[0], "length")


def _join_size(separator: Any, parts: list[Any]) -> None:
    total = len(separator) * max(0, len(parts) - 1) if isinstance(separator, str) else 0
    for part in parts:
        measure(part)
        total += len(part) if isinstance(part, str) else 0
        if total > MAX_STRING:
            raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")


def _bounded_filter(name: str, func: Callable[..., Any], budget_of: Callable[[], Budget]) -> Any:
    passes_first = getattr(func, "jinja_pass_arg", None) is not None  # context, env, eval ctx

    def bounded(*args: Any, **kwargs: Any) -> Any:
        budget_of().tick()
        values = list(args[1:] if passes_first else args)
        for value in values:
            measure(value)
        rest = values[1:]
        if name == "center" and rest:
            _width(rest[0])
        elif name == "indent":
            width = rest[0] if rest else kwargs.get("width", 4)
            _width(width)
            lines = str(values[0]).count("\n") + 1 if values else 0
            size = len(width) if isinstance(width, str) else int(width)
            if lines * size > MAX_STRING:
                raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")
        elif name in ("batch", "slice") and rest and isinstance(rest[0], int):
            if rest[0] > MAX_ITEMS:
                raise TemplateLimit(f"a value would exceed {MAX_ITEMS:,} items")
        elif name == "format" and values:
            check_printf(values[0], tuple(rest) or kwargs)
        elif name == "join" and values:
            separator = rest[0] if rest else kwargs.get("d", "")
            _join_size(separator, list(values[0]) if isinstance(values[0], Iterable) else [])
        elif name == "replace" and len(values) >= 3:
            _estimate(str(values[0]).replace, tuple(values[1:]), {})
        result = func(*args, **kwargs)
        measure(result)
        return result

    bounded.__dict__.update(getattr(func, "__dict__", {}))  # keeps jinja's pass_* marks
    bounded.__name__ = name
    return bounded


class BoundedSandbox(SandboxedEnvironment):
    """A ``SandboxedEnvironment`` whose every operation is measured against ``Budget``."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.budget = Budget()
        self.globals.pop("lipsum", None)
        self.filters = {
            name: _bounded_filter(name, func, lambda: self.budget)
            for name, func in self.filters.items()
        }
        self._guards = (self._emit, self._concat)
        self.globals[_EMIT], self.globals[_CONCAT] = self._guards

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.budget.tick()
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(count, int):
                    if len(seq) * count > MAX_STRING:
                        raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")
                    measure(seq)
                    if not isinstance(seq, str):
                        measure(range(len(seq) * max(0, count)))
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > _MAX_INT_BITS
            ):
                raise TemplateLimit(f"a number would exceed {MAX_INT_DIGITS:,} digits")
        elif operator == "**" and isinstance(right, int):
            if abs(right) > 1000 or (
                isinstance(left, int)
                and abs(left) > 1
                and left.bit_length() * right > _MAX_INT_BITS
            ):
                raise TemplateLimit(f"a number would exceed {MAX_INT_DIGITS:,} digits")
        elif operator == "+":
            if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
                measure(left)
                measure(right)
                if len(left) + len(right) > (MAX_STRING if isinstance(left, str) else MAX_ITEMS):
                    raise TemplateLimit("a value would exceed its size limit")
        elif operator == "%":
            check_printf(left, right)
        result = super().call_binop(context, operator, left, right)
        measure(result)
        return result

    def format_string(
        self, s: str, args: tuple[Any, ...], kwargs: dict[str, Any], format_func: Any = None
    ) -> str:
        return _BoundedFormatter(self).vformat(s, args, kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        owner: str = value.__self__
        is_map = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if is_map and len(args) == 1:
                mapping: dict[str, Any] = args[0]
                return str(_BoundedFormatter(self).vformat(owner, (), mapping))
            return str(_BoundedFormatter(self).vformat(owner, args, kwargs))

        return bounded

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = __self.budget
        budget.tick()
        if __obj is __self._guards[0] or __obj is __self._guards[1]:
            return __context.call(__obj, *args, **kwargs)
        counted = isinstance(__obj, Macro | LoopContext)
        if counted:
            budget.calls += 1
            if budget.calls > MAX_CALLS:
                raise TemplateLimit(f"more than {MAX_CALLS:,} macro or caller calls")
            if budget.depth >= MAX_DEPTH:
                raise TemplateLimit(f"macro or call blocks nested more than {MAX_DEPTH} deep")
        else:
            for value in (*args, *kwargs.values()):
                measure(value)
            _estimate(__obj, args, kwargs)
        budget.depth += counted
        try:
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= counted
        measure(result)
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, list | dict | set):
            measure(owner)  # list.extend, dict.update and friends grow their owner
        return result

    def _emit(self, value: Any) -> str:
        measure(value)
        text = str(value)
        self.budget.written += len(text)
        if self.budget.written > MAX_WRITTEN:
            raise TemplateLimit(f"the template wrote more than {MAX_WRITTEN:,} characters")
        return text

    def _concat(self, *parts: Any) -> str:
        for part in parts:
            measure(part)
        texts = [str(part) for part in parts]
        if sum(map(len, texts)) > MAX_STRING:
            raise TemplateLimit(f"a value would exceed {MAX_STRING:,} characters")
        return "".join(texts)


def guard_tree(tree: nodes.Template, budget: Budget | None = None) -> nodes.Template:
    """Route ``~`` and every written value through the sandbox's measuring guards, in one
    walk of the tree that spends from ``budget`` (when given) as it goes."""
    _Guard(budget or Budget()).visit(tree)
    tree.set_lineno(1)
    return tree


class _Guard(NodeTransformer):
    """Replaces each ``Concat`` with a ``_concat`` call and wraps each written value in
    ``_emit``; children first, so a ``~`` inside a ``~`` or an output is guarded too."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> nodes.Node:
        self.budget.step()
        return super().generic_visit(node, *args, **kwargs)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(nodes.Name(_CONCAT, "load"), node.nodes, [], None, None)

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [
            nodes.Call(nodes.Name(_EMIT, "load"), [child], [], None, None) for child in node.nodes
        ]
        return node
