"""``@global_options`` and ``@output_options``: the group's options, after the command name too.

``@global_options`` (commands that talk to the API) and ``@output_options`` (the others) accept
the group's options after the command name as well, as Terraform users type them
(``duvoform plan --no-color -v``, ``duvoform apply --api-url local``): given there, they
override what came before the command (``-v`` counts add up). Put them right above
``@pass_app``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from duvoform.app import App

__all__ = ["global_options", "output_options"]

F = TypeVar("F", bound=Callable[..., Any])


def _late_options(command: F, *, api: bool) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose = kwargs.pop("late_verbose")
        no_color = kwargs.pop("late_no_color")
        api_url = kwargs.pop("late_api_url", None)
        key_file = kwargs.pop("late_api_key_file", None)
        ctx = click.get_current_context()
        app = ctx.find_object(App)
        if app is not None and (verbose or no_color or api_url or key_file):
            late = dataclasses.replace(
                app,
                verbosity=app.verbosity + verbose,
                color=app.color and not no_color,
                api_url=api_url or app.api_url,
                api_key_file=key_file or app.api_key_file,
            )
            late.configure_logging()
            ctx.obj = late
        return command(*args, **kwargs)

    decorated = click.option(
        "--no-color",
        "late_no_color",
        is_flag=True,
        help="Plain output: no colour, no bold, no progress bar.",
    )(wrapper)
    decorated = click.option(
        "-v",
        "--verbose",
        "late_verbose",
        count=True,
        help="More log detail on stderr (repeatable).",
    )(decorated)
    if api:
        decorated = click.option(
            "--api-key-file",
            "late_api_key_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Read the API key from this file instead of DUVO_API_KEY.",
        )(decorated)
        decorated = click.option(
            "--api-url",
            "late_api_url",
            metavar="URL",
            help="Duvo API base URL, or 'local' (default: DUVO_API_URL, else the Duvo API).",
        )(decorated)
    return decorated  # type: ignore[return-value]


def global_options(command: F) -> F:
    """Accept ``--api-url``, ``--api-key-file``, ``-v`` and ``--no-color`` after the command
    name too; given there, they override the group's."""
    return _late_options(command, api=True)


def output_options(command: F) -> F:
    """Accept ``-v`` and ``--no-color`` after the command name too (commands that need no
    API)."""
    return _late_options(command, api=False)
