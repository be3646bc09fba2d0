"""Templating inside string values, after YAML parsing (so line numbers stay true).

Strings that contain ``{{``, ``{%`` or ``{#`` are rendered by jinja2 in a
``SandboxedEnvironment`` with ``StrictUndefined``: an unknown variable is an error, never an
empty string. Templates see two names: ``vars`` (the merged variables) and ``environment``
(the ``--env`` name; undefined when none was given, so using it without ``--env`` is an
error that says so). The sandbox also refuses string and list repetition and powers
that would build huge values, and a template whose loops run more than ``MAX_LOOP_STEPS``
times in all (nested loops multiply: a manifest must not stall a CI plan). Keys are never
templated, and neither are SOP files (they are used verbatim; a ``sop_file`` path may itself
be templated). A string that only looks variables up (text and ``{{ vars.NAME }}``) is rendered
here without jinja2; jinja2 and the sandbox (``template_jinja``) are imported when a string
first needs them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from duvoform.kinds.base import FieldPath

if TYPE_CHECKING:
    from duvoform.manifest.template_jinja import JinjaTemplates

__all__ = [
    "MAX_LOOP_STEPS",
    "MAX_TEMPLATE_VALUE",
    "TemplateFault",
    "TemplateRenderer",
    "is_templated",
]

MAX_TEMPLATE_VALUE = 1_000_000
"""The largest string a template may build (``template_limits.MAX_STRING``: a test keeps the
two equal; this module does not import jinja2, which that one needs)."""

MAX_LOOP_STEPS = 100_000
"""The most ``{% for %}`` iterations one rendering of one string may take, all loops counted."""

_MARKER = re.compile(r"\{[{%#]")
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
        self._variables = _Recorded(variables)
        self._environment = environment
        self._environments = tuple(environments)
        self._jinja: JinjaTemplates | None = None  # made (jinja2 imported) when first needed
        # Rendering is a pure function of the source (the variables are fixed for a run), so
        # each distinct templated string is rendered once: large teams repeat a few templates.
        self._rendered: dict[str, str | TemplateFault] = {}
        self._context: dict[str, Any] = {"vars": self._variables}
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
        if len(result) > MAX_TEMPLATE_VALUE:
            return None
        variables.read.update(pieces[1::2])
        return result

    def _render(self, source: str) -> str | TemplateFault:
        fast = self._substitute(source)
        if fast is not None:
            return fast
        if self._jinja is None:
            from duvoform.manifest.template_jinja import JinjaTemplates

            self._jinja = JinjaTemplates(
                self._context, self._variables, self._environment, self._environments
            )
        return self._jinja.render(source)
