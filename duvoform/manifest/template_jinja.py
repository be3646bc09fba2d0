"""The jinja2 side of templating: strings that are more than ``{{ vars.NAME }}`` lookups.

``TemplateRenderer`` (``duvoform.manifest.template``) renders most strings itself and imports
this module, and with it jinja2 and the sandbox, only when a string needs them: a team whose
templates only substitute variables never pays for importing jinja2.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.exceptions import SecurityError

from duvoform.manifest.template import MAX_LOOP_STEPS, TemplateFault
from duvoform.manifest.template_compile import CompilingSandbox
from duvoform.manifest.template_limits import Budget, TemplateLimit
from duvoform.text import did_you_mean, quote, shorten

__all__ = ["JinjaTemplates"]

_LOOP_GUARD = "__duvoform_loop_guard"
_MESSAGE_LIMIT = 200  # jinja's own messages; they quote at most a token of the template
_NO_ATTRIBUTE = re.compile(
    r"^'(?:dict|duvoform\.manifest\.template\._Recorded) object' has no (?:attribute|element) "
    r"'(.*)'$"
)
_UNDEFINED = re.compile(r"^'(.*)' is undefined$")


class JinjaTemplates:
    """Compiles and renders templated strings in the bounded sandbox, with one set of
    variables (``context``: the names templates see) for a whole manifest set."""

    def __init__(
        self,
        context: dict[str, Any],
        variables: Mapping[str, Any],
        environment: str | None,
        environments: Sequence[str],
    ) -> None:
        self._env = CompilingSandbox(
            undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
        )
        self._context = context
        self._variables = variables
        self._environment = environment
        self._environments = tuple(environments)
        self._cache: dict[str, Template | str] = {}
        self._set_spent = 0.0  # CPU seconds all renderings of this manifest set have taken

    def render(self, source: str) -> str | TemplateFault:
        """``source`` rendered, or why it could not be (the fault's path is left empty)."""
        # One budget for compiling and rendering: both are work the template text chooses.
        self._env.budget = budget = Budget(self._set_spent)
        try:
            template = self._cache.get(source)
            if template is None:
                template = self._compile(source, budget)
                self._cache[source] = template
            if isinstance(template, str):
                return TemplateFault((), template)
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

    def _compile(self, source: str, budget: Budget) -> Template | str:
        """``source`` compiled, or why it cannot be (kept, so it is never compiled again)."""
        try:
            return self._env.compile_bounded(source, budget, _guard_loops)
        except TemplateSyntaxError as exc:
            detail = shorten(exc.message or "invalid template", _MESSAGE_LIMIT)
            reason = f"template syntax error: {detail}"
            if source.count("\n"):
                reason += f" (template line {exc.lineno})"
            return reason
        except TemplateLimit as exc:
            return f"template not allowed: {exc}"
        except (RecursionError, SyntaxError):  # jinja2's parser, or Python's compile of its code
            return "template not allowed: it nests too deep"

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
