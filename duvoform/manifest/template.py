"""Templating inside string values, after YAML parsing (so line numbers stay true).

Strings that contain ``{{``, ``{%`` or ``{#`` are rendered by jinja2 in a
``SandboxedEnvironment`` with ``StrictUndefined``: an unknown variable is an error, never an
empty string. Templates see two names: ``vars`` (the merged variables) and ``environment``
(the ``--env`` name; undefined when none was given, so using it without ``--env`` is an
error that says so). The sandbox also refuses string and list repetition and powers
that would build huge values, and a template whose loops run more than ``MAX_LOOP_STEPS``
times in all (nested loops multiply: a manifest must not stall a CI plan). Keys are never
templated, and neither are SOP files (they are used verbatim; a ``sop_file`` path may itself
be templated).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError

from duvoform.kinds.base import FieldPath
from duvoform.manifest.template_limits import (
    MAX_STRING,
    BoundedSandbox,
    Budget,
    TemplateLimit,
    guard_tree,
)
from duvoform.text import did_you_mean, quote, shorten

__all__ = [
    "MAX_LOOP_STEPS",
    "MAX_TEMPLATE_VALUE",
    "TemplateFault",
    "TemplateRenderer",
    "is_templated",
]

MAX_TEMPLATE_VALUE = MAX_STRING
"""The largest string a template may build (see ``template_limits`` for every bound)."""

MAX_LOOP_STEPS = 100_000
"""The most ``{% for %}`` iterations one rendering of one string may take, all loops counted."""

_LOOP_GUARD = "__duvoform_loop_guard"

_MESSAGE_LIMIT = 200  # jinja's own messages; they quote at most a token of the template
_MARKER = re.compile(r"\{[{%#]")
_NO_ATTRIBUTE = re.compile(
    r"^'(?:dict|duvoform\.manifest\.template\._Recorded) object' has no (?:attribute|element) "
    r"'(.*)'$"
)
_UNDEFINED = re.compile(r"^'(.*)' is undefined$")
_VAR_ONLY = re.compile(r"\{\{\s*vars\.([A-Za-z][A-Za-z0-9_]*)\s*\}\}")


def is_templated(text: str) -> bool:
    """True when ``text`` holds ``{{``, ``{%`` or ``{#``: templating renders it."""
    return "{" in text and _MARKER.search(text) is not None


class TemplateFault:
    """One failed template: the field it is in and why (never the rendered value)."""

    __slots__ = ("path", "reason")

    def __init__(self, path: FieldPath, reason: str) -> None:
        self.path = path
        self.reason = reason


class _Recorded(dict[str, Any]):
    """The variables, noting which names templates read (to warn about unused ``--var``)."""

    def __init__(self, variables: Mapping[str, Any]) -> None:
        super().__init__(variables)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


class TemplateRenderer:
    """Renders the templated strings of documents with one set of variables."""

    def __init__(
        self,
        variables: Mapping[str, Any],
        environment: str | None = None,
        environments: Sequence[str] = (),
    ) -> None:
        self._env = BoundedSandbox(
            undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
        )
        self._variables = _Recorded(variables)
        self._environment = environment
        self._environments = tuple(environments)
        self._cache: dict[str, Template | str] = {}
        # Rendering is a pure function of the source (the variables are fixed for a run), so
        # each distinct templated string is rendered once: large teams repeat a few templates.
        self._rendered: dict[str, str | TemplateFault] = {}
        self._context: dict[str, Any] = {"vars": self._variables}
        self._set_spent = 0.0  # CPU seconds all renderings of this manifest set have taken
        if environment is not None:
            self._context["environment"] = environment

    @property
    def variables_read(self) -> frozenset[str]:
        """The names of the variables that templates rendered so far read."""
        return frozenset(self._variables.read)

    def render_in_place(self, data: Any) -> list[TemplateFault]:
        """Render every templated string inside ``data`` (dicts and lists are updated)."""
        faults: list[TemplateFault] = []
        self._walk(data, (), faults)
        return faults

    def _walk(self, node: Any, path: FieldPath, faults: list[TemplateFault]) -> None:
        # Values are replaced in place; keys never change, so iterating while assigning is safe.
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, str):
                if is_templated(value):
                    rendered = self._rendered.get(value)
                    if rendered is None:
                        rendered = self._render(value)
                        self._rendered[value] = rendered
                    if isinstance(rendered, TemplateFault):
                        faults.append(TemplateFault((*path, key), rendered.reason))
                    else:
                        node[key] = rendered
            elif isinstance(value, dict | list):
                self._walk(value, (*path, key), faults)

    def _substitute(self, source: str) -> str | None:
        """``source`` rendered without jinja2 when it is only text and ``{{ vars.NAME }}``
        lookups of string variables, else None (jinja2 renders it, as it would this).

        Compiling a template costs about a millisecond, and a team of 10,000 assignments
        may hold as many distinct strings that only substitute variables. Whatever this
        declines (another construct, a ``\\r`` the lexer would rewrite, a name the sandbox
        resolves as a ``dict`` attribute, a missing or non-string variable, an oversized
        result) takes the jinja2 path, with its errors and limits."""
        if "\r" in source:
            return None
        pieces = _VAR_ONLY.split(source)
        texts = pieces[0::2]
        for text in texts:
            if text.endswith("{") or is_templated(text):
                return None
        out = [texts[0]]
        variables = self._variables
        for name, text in zip(pieces[1::2], texts[1:], strict=True):
            value = dict.get(variables, name)
            if not isinstance(value, str) or hasattr(dict, name):
                return None
            out.append(value)
            out.append(text)
        result = "".join(out)
        if len(result) > MAX_STRING:
            return None
        variables.read.update(pieces[1::2])
        return result

    def _render(self, source: str) -> str | TemplateFault:
        fast = self._substitute(source)
        if fast is not None:
            return fast
        template = self._cache.get(source)
        if template is None:
            try:
                template = self._env.from_string(guard_tree(_guard_loops(self._env.parse(source))))
            except TemplateSyntaxError as exc:
                detail = shorten(exc.message or "invalid template", _MESSAGE_LIMIT)
                template = f"template syntax error: {detail}"
                if source.count("\n"):
                    template += f" (template line {exc.lineno})"
            self._cache[source] = template
        if isinstance(template, str):
            return TemplateFault((), template)
        self._env.budget = budget = Budget(self._set_spent)
        try:
            return template.render({**self._context, _LOOP_GUARD: _LoopBudget()})
        except UndefinedError as exc:
            return TemplateFault((), self._explain_undefined(exc))
        except TemplateLimit as exc:  # our own message, naming the limit
            return TemplateFault((), f"template not allowed: {exc}")
        except SecurityError as exc:
            return TemplateFault((), f"template not allowed: {shorten(str(exc))}")
        except RecursionError:
            return TemplateFault((), "template not allowed: it nests too deep")
        except Exception as exc:  # a user's template failed (1/0, a bad filter argument, ...)
            return TemplateFault((), f"template error: {shorten(str(exc) or type(exc).__name__)}")
        finally:
            self._set_spent += budget.spent()

    def _explain_undefined(self, exc: UndefinedError) -> str:
        message = str(exc.message or "")
        attribute = _NO_ATTRIBUTE.match(message)
        if attribute:
            name = attribute.group(1)
            reason = f"template: undefined variable vars.{shorten(name)}"
            hint = did_you_mean(name, self._variables)
            if not hint and self._environment is None and self._environments:
                hint = f" (no --env was given; environments: {', '.join(self._environments)})"
            return reason + hint
        undefined = _UNDEFINED.match(message)
        if undefined and undefined.group(1) == "environment":
            options = (
                f"; environments: {', '.join(self._environments)}" if self._environments else ""
            )
            return f"template: environment is not set (pass --env NAME{options})"
        if undefined:
            return (
                f"template: {quote(undefined.group(1))} is undefined; templates can use "
                "vars.NAME and environment"
            )
        return f"template: {shorten(message)}"


def _guard_loops(tree: nodes.Template) -> nodes.Template:
    """Make every ``for`` loop iterate through the rendering's ``_LoopBudget``."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Call(
            nodes.Name(_LOOP_GUARD, "load", lineno=loop.lineno),
            [loop.iter],
            [],
            None,
            None,
            lineno=loop.lineno,
        )
    return tree


class _LoopBudget:
    """Counts the loop iterations of one rendering; too many is a ``SecurityError``."""

    def __init__(self) -> None:
        self.steps = 0

    def __call__(self, iterable: Any) -> Iterator[Any]:
        for item in iterable:
            self.steps += 1
            if self.steps > MAX_LOOP_STEPS:
                raise SecurityError(f"the loops run more than {MAX_LOOP_STEPS} times")
            yield item
