"""Compiling a templated string inside the CPU budget of its rendering.

Lexing, parsing, guarding and generating code are work a manifest's author chooses the size
of, as much as rendering is: ``CompilingSandbox`` counts each token and each node against the
rendering's ``Budget``, so a string is refused (``TemplateLimit``) once it has spent
``STRING_SECONDS``, or the manifest set ``SET_SECONDS``, whichever stage it is in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

from jinja2 import Template, nodes
from jinja2.compiler import CodeGenerator
from jinja2.lexer import Token, TokenStream

from duvoform.manifest.template_limits import BoundedSandbox, Budget, guard_tree

__all__ = ["CompilingSandbox"]


class _CountingCodeGenerator(CodeGenerator):
    """jinja2's code generator, counting each node it visits against the sandbox's budget."""

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        cast(CompilingSandbox, self.environment).budget.step()
        return super().visit(node, *args, **kwargs)


class CompilingSandbox(BoundedSandbox):
    """A ``BoundedSandbox`` whose compiling spends from the same ``Budget`` as rendering."""

    code_generator_class = _CountingCodeGenerator

    def compile_bounded(
        self,
        source: str,
        budget: Budget,
        transform: Callable[[nodes.Template], nodes.Template],
    ) -> Template:
        """``source`` parsed, ``transform``-ed, guarded and compiled, all counted in ``budget``
        (which rendering then goes on spending from)."""
        self.budget = budget
        tree = guard_tree(transform(self.parse(source)), budget)
        template = self.from_string(tree)
        budget.tick()  # Python's own compile of the generated code runs without checks
        return template

    def _tokenize(
        self,
        source: str,
        name: str | None,
        filename: str | None = None,
        state: str | None = None,
    ) -> TokenStream:
        stream = super()._tokenize(source, name, filename, state)
        return TokenStream(self._counted(stream), name, filename)

    def _counted(self, tokens: TokenStream) -> Iterator[Token]:
        for token in tokens:
            self.budget.step()
            yield token
