"""Options shared by the commands: the manifest options here, the others in their modules.

``@manifest_options`` adds ``--var``, ``--var-file`` and ``--env`` to a click command and passes
them to it as one ``manifest_options: ManifestOptions`` argument, whose ``load(paths)`` calls
``load_manifests`` with them (``load_and_warn`` also prints the manifests' warnings on stderr).
``@plan_options`` (``duvoform.commands._plan_options``) adds the options that shape a plan;
``@global_options`` and ``@output_options`` (``duvoform.commands._late_options``) accept the
group's options after the command name too. ``paths_argument`` is the ``PATH...`` argument and
``format_option(...)`` the ``--format`` option (passed as ``fmt``) of the commands that take them.

With no PATH, a command reads the manifest root: the nearest directory, from the current one
up to the top of the git repository, that holds ``duvoform.yaml``. Without one it refuses rather
than read every YAML file below the current directory (CI workflows, compose files...).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from duvoform.commands._late_options import global_options, output_options
from duvoform.commands._plan_options import plan_options
from duvoform.errors import UsageError
from duvoform.manifest import Manifests, load_manifests
from duvoform.manifest.discover import find_root

__all__ = [
    "ManifestOptions",
    "format_option",
    "global_options",
    "manifest_options",
    "output_options",
    "paths_argument",
    "plan_options",
]

F = TypeVar("F", bound=Callable[..., Any])
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
"""``PATH...``: manifest files and directories (none: the manifest root)."""


def format_option(*choices: str, help: str) -> Callable[[F], F]:
    """``--format`` with ``choices``, the first the default; passed as ``fmt``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


@dataclass(frozen=True)
class ManifestOptions:
    """The values of ``--var``, ``--var-file`` and ``--env`` for one command."""

    vars: dict[str, str] = field(default_factory=dict)
    var_files: tuple[Path, ...] = ()
    env: str | None = None

    def load(self, paths: Sequence[Path]) -> Manifests:
        """``load_manifests(paths)`` with these options (the manifest root when ``paths`` is
        empty; ``UsageError`` when there is none)."""
        if not paths:
            root, project_file = find_root([Path.cwd()])
            if project_file is None:
                raise UsageError(
                    "no PATH given, and no duvoform.yaml in the current directory or above it: "
                    "name the manifest files or directories (for example: . or manifests/)"
                )
            paths = [root]
        return load_manifests(paths, vars=self.vars, var_files=self.var_files, env=self.env)

    def load_and_warn(self, paths: Sequence[Path]) -> Manifests:
        """``load(paths)``, printing the manifests' warnings on stderr."""
        manifests = self.load(paths)
        for warning in manifests.warnings:
            click.echo(f"warning: {warning.render()}", err=True)
        return manifests


def _parse_vars(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not _KEY.match(key):
            # The value itself is not echoed: it may be something the user would not want shown.
            raise click.BadParameter(
                "expected KEY=VALUE with KEY made of letters, digits and _", ctx=ctx, param=param
            )
        parsed[key] = rest
    return parsed


def manifest_options(command: F) -> F:
    """Add ``--var``, ``--var-file`` and ``--env``; pass them as ``manifest_options``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = ManifestOptions(
            vars=kwargs.pop("var"),
            var_files=tuple(kwargs.pop("var_file")),
            env=kwargs.pop("env"),
        )
        return command(*args, manifest_options=options, **kwargs)

    decorated = click.option(
        "--env",
        metavar="NAME",
        help="Select an environment from duvoform.yaml (its var files and vars).",
    )(wrapper)
    decorated = click.option(
        "--var-file",
        "var_file",
        multiple=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read template variables from a YAML mapping (repeatable; later files win).",
    )(decorated)
    decorated = click.option(
        "--var",
        "var",
        multiple=True,
        metavar="KEY=VALUE",
        callback=_parse_vars,
        help="Set a template variable, {{ vars.KEY }} (repeatable; wins over var files).",
    )(decorated)
    return decorated  # type: ignore[return-value]
