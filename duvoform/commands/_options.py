"""Options shared by the commands: the manifest options, and the options that shape a plan.

``@manifest_options`` adds ``--var``, ``--var-file`` and ``--env`` to a click command and passes
them to it as one ``manifest_options: ManifestOptions`` argument, whose ``load(paths)`` calls
``load_manifests`` with them.

``@plan_options`` (``plan`` and ``apply``) adds ``--target`` (repeatable; one that is not
``Kind/name`` is a usage error, exit 2, before anything is read, as ``show`` treats a bad
address), ``--prune``, ``--allow-mass-delete``, ``--allow-nonempty-folder-delete`` and
``--rotate-secrets [NAME]``, and passes them as one ``plan_options: PlanOptions`` argument.

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

from duvoform.commands._secrets import rotate_secrets_option
from duvoform.errors import UsageError
from duvoform.manifest import Manifests, load_manifests
from duvoform.manifest.discover import find_root
from duvoform.model import kinds
from duvoform.model.text import did_you_mean, quote
from duvoform.pipeline import PlanOptions

__all__ = ["ManifestOptions", "manifest_options", "plan_options"]

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
    """Add ``--target``, ``--prune``, ``--allow-mass-delete``, ``--allow-nonempty-folder-delete``
    and ``--rotate-secrets``; pass them as ``plan_options: PlanOptions``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = PlanOptions(
            targets=kwargs.pop("targets"),
            prune=kwargs.pop("prune"),
            allow_mass_delete=kwargs.pop("allow_mass_delete"),
            allow_nonempty_folder_delete=kwargs.pop("allow_nonempty_folder_delete"),
            rotate_secrets=kwargs.pop("rotate_secrets"),
        )
        return command(*args, plan_options=options, **kwargs)

    decorated = rotate_secrets_option(wrapper)
    decorated = click.option(
        "--allow-nonempty-folder-delete",
        is_flag=True,
        help="Allow deleting folders that still hold assignments (they move to the root).",
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
        help="Only this resource and what it depends on (repeatable).",
    )(decorated)
    return decorated  # type: ignore[return-value]
