"""Exit codes the commands share: 130 on Ctrl-C, and exit 2 kept for a meaning of its own.

``ExitTwoCommand`` is the click command class of ``plan --detailed-exitcode`` and ``drift``,
whose exit 2 means "changes" or "drift": every error then exits 1, a usage error too (a
misspelt flag must not read as changes). ``interrupted`` turns Ctrl-C into a line on stderr and
exit 130.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from duvoform.errors import DuvoformError

__all__ = ["ExitTwoCommand", "interrupted"]


class _UsageErrorExit1(click.UsageError):
    exit_code = 1


class ExitTwoCommand(click.Command):
    """A command whose exit 2 has a meaning: with it, every error exits 1.

    ``exit_two_flag``: the parameter that gives exit 2 its meaning (``plan``'s
    ``detailed_exitcode``); None: always (``drift``).
    """

    exit_two_flag: str | None = None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        flag = self.exit_two_flag
        # Before parsing, which consumes ``args``.
        reserved = flag is None or f"--{flag.replace('_', '-')}" in args
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if not reserved:
                raise
            raise _UsageErrorExit1(exc.format_message(), exc.ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        flag = self.exit_two_flag
        try:
            return super().invoke(ctx)
        except DuvoformError as exc:
            if (flag is None or ctx.params.get(flag)) and exc.exit_code == 2:
                exc.exit_code = 1
            raise


@contextmanager
def interrupted(message: str) -> Iterator[None]:
    """On Ctrl-C inside the block: print ``message`` on stderr (on a line of its own) and exit
    130."""
    try:
        yield
    except KeyboardInterrupt:
        click.echo(f"\n{message}", err=True)
        raise click.exceptions.Exit(130) from None
