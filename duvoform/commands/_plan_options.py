"""``@plan_options`` (``plan``, ``apply``, ``graph``): the options that shape a plan.

It adds ``--target`` (repeatable; one that is not ``Kind/name`` is a usage error, exit 2, before
anything is read, as ``show`` treats a bad address), ``--prune``, ``--allow-mass-delete``,
``--allow-nonempty-folder-delete``, ``--allow-duplicate`` and ``--rotate-secrets [NAME]``, and
passes them as one ``plan_options: PlanOptions`` argument.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from duvoform.commands._complete import complete_address
from duvoform.commands._secrets import rotate_secrets_option
from duvoform.engine.planner import PlanOptions
from duvoform.kinds import kinds
from duvoform.text import did_you_mean, quote

__all__ = ["plan_options"]

F = TypeVar("F", bound=Callable[..., Any])


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
