"""Options shared by the commands: the manifest options, and the options that shape a plan.

``@manifest_options`` adds ``--var``, ``--var-file`` and ``--env`` to a click command and passes
them to it as one ``manifest_options: ManifestOptions`` argument, whose ``load(paths)`` calls
``load_manifests`` with them.

``@plan_options`` (``plan`` and ``apply``) adds ``--target`` (repeatable; one that is not
``Kind/name`` is a usage error, exit 2, before anything is read, as ``show`` treats a bad
address), ``--prune``, ``--allow-mass-delete``, ``--allow-nonempty-folder-delete``,
``--allow-duplicate`` and ``--rotate-secrets [NAME]``, and passes them as one
``plan_options: PlanOptions`` argument.

``@global_options`` (commands that talk to the API) and ``@output_options`` (the others) accept
the group's options after the command name as well, as Terraform users type them
(``duvoform plan --no-color -v``, ``duvoform apply --api-url local``): given there, they
override what came before the command (``-v`` counts add up). Put them right above
``@pass_app``.

With no PATH, a command reads the manifest root: the nearest directory, from the current one
up to the top of the git repository, that holds ``duvoform.yaml``. Without one it refuses rather
than read every YAML file below the current directory (CI workflows, compose files...).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from duvoform.app import App
from duvoform.commands._complete import complete_address
from duvoform.commands._secrets import rotate_secrets_option
from duvoform.engine.planner import PlanOptions
from duvoform.errors import UsageError
from duvoform.kinds import kinds
from duvoform.manifest import Manifests, load_manifests
from duvoform.manifest.discover import find_root
from duvoform.text import did_you_mean, quote

__all__ = [
    "ManifestOptions",
    "global_options",
    "manifest_options",
    "output_options",
    "plan_options",
]

F = TypeVar("F", bound=Callable[..., Any])
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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


def _check_targets(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> tuple[str, ...]:
    known = sorted(kinds())
    for value in values:
        kind, sep, name = value.partition("/")
        if sep and kind in known and name:
            continue
        hint = did_you_mean(kind, known) if sep and kind not in known else ""
        raise click.BadParameter(
            f"{quote(value)}: a target is Kind/name, with Kind one of {', '.join(known)}{hint}",
            ctx=ctx,
            param=param,
        )
    return tuple(values)


def plan_options(command: F) -> F:
    """Add ``--target``, ``--prune``, ``--allow-mass-delete``, ``--allow-nonempty-folder-delete``,
    ``--allow-duplicate`` and ``--rotate-secrets``; pass them as ``plan_options: PlanOptions``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = PlanOptions(
            targets=kwargs.pop("targets"),
            prune=kwargs.pop("prune"),
            allow_mass_delete=kwargs.pop("allow_mass_delete"),
            allow_nonempty_folder_delete=kwargs.pop("allow_nonempty_folder_delete"),
            rotate_secrets=kwargs.pop("rotate_secrets"),
            allow_duplicate=kwargs.pop("allow_duplicate"),
        )
        return command(*args, plan_options=options, **kwargs)

    decorated = rotate_secrets_option(wrapper)
    decorated = click.option(
        "--allow-duplicate",
        is_flag=True,
        help="Create an assignment even when an unmanaged live one looks like it (renamed in "
        "the web app); the API cannot delete assignments.",
    )(decorated)
    decorated = click.option(
        "--allow-nonempty-folder-delete",
        is_flag=True,
        help="Allow deleting folders that still hold assignments (they move to the root) or "
        "subfolders no manifest declares.",
    )(decorated)
    decorated = click.option(
        "--allow-mass-delete",
        is_flag=True,
        help="Allow more deletes than duvoform.yaml's safety threshold.",
    )(decorated)
    decorated = click.option(
        "--prune",
        is_flag=True,
        help="Delete live objects of the kinds duvoform.yaml puts in prune scope that no "
        "manifest declares.",
    )(decorated)
    decorated = click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="KIND/NAME",
        callback=_check_targets,
        shell_complete=complete_address,
        help="Only this resource and what it depends on (repeatable).",
    )(decorated)
    return decorated  # type: ignore[return-value]


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
