"""``--rotate-secrets [NAME]``, shared by ``plan`` and ``apply``.

Given alone it means every custom MCP connection with secret headers; given with a value
(repeatable) it names one connection each time. click takes the word after a bare
``--rotate-secrets`` as its value, so ``--rotate-secrets manifests/`` names a connection
called ``manifests/``; the planner then says that no such connection exists, and the help
says to write ``--rotate-secrets=NAME`` or to put the option after the paths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

__all__ = ["rotate_secrets_option"]

F = TypeVar("F", bound=Callable[..., Any])


def _convert(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> bool | frozenset[str]:
    if not values:
        return False
    if any(value == "" for value in values):
        return True
    return frozenset(values)


def rotate_secrets_option(command: F) -> F:
    """Add ``--rotate-secrets [NAME]``; the command receives ``rotate_secrets``: False,
    True (every connection) or a frozenset of connection names."""
    return click.option(
        "--rotate-secrets",
        "rotate_secrets",
        multiple=True,
        is_flag=False,
        flag_value="",
        metavar="[NAME]",
        callback=_convert,
        help="Send secret header values again: of every custom MCP connection, or of the "
        "connection NAME (repeatable; write --rotate-secrets=NAME, or put it after the paths).",
    )(command)
