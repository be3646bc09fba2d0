"""``duvoform apply [PATH... | PLANFILE]``: make live state match the manifests (DESIGN §8).

Manifest mode (manifest paths; none: the manifest root): plan exactly as ``duvoform plan``
does, show the plan, ask for confirmation (unless ``--auto-approve``), then run it. Without
``--auto-approve`` stdin must be a terminal: apply refuses, before reading anything, rather
than wait for an answer nobody can give (CI).

Plan-file mode (``apply PLANFILE [PATH...]``, PLANFILE written by ``plan --out``): check that
it was made for this API and with this API key (and, with ``DUVOFORM_PLAN_KEY`` set, signed
with that key), load the manifests again (PATH, else the ones the plan names under the working
directory) and refuse when they are not the ones planned, re-read live state and refuse, naming
every object that moved, when the plan is stale; nothing is written then. What runs is planned
again from those manifests and must equal the file (``duvoform.apply.saved``). A saved plan
was reviewed already, so it runs without a prompt. When it is stale only because it was
applied already (the journal says this exact plan ended ok), apply says so and exits 0.

Every secret the steps need is read once before anything is written (a missing variable or
file is an error naming it). Secret header values are sent when a connection is created, when a
header is new, and with ``--rotate-secrets [NAME]`` (repeatable; without a NAME: every custom
MCP connection with secret headers; write ``--rotate-secrets=NAME`` or put it after the paths,
so that a path is not taken for a NAME). The run is journaled under ``.duvoform/journal/``,
shows a progress bar on a terminal (not with ``--no-color``, which asks for no terminal
formatting at all), and ends with a report (``--format json``: one JSON document on stdout).
Exit 0 when everything was done (OAuth authorizations left to a person, and the wiring that
waits for them, are reported as pending and do not count as failures: exit 0), 1 when anything
failed, 130 when interrupted (Ctrl-C; 143 for SIGTERM, handled alike: the message says how far
it got, the journal ends with ``run_interrupted``). Running apply again after an interruption
converges.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.apply.signals import exit_code, run_interruptible
from duvoform.commands._apply_run import ApplyRun
from duvoform.commands._options import (
    ManifestOptions,
    format_option,
    global_options,
    manifest_options,
    paths_argument,
    plan_options,
)
from duvoform.engine.planner import PlanOptions
from duvoform.errors import UsageError

__all__ = ["command"]

_MANIFEST_SUFFIXES = frozenset({".yaml", ".yml"})


def _is_plan_file(paths: tuple[Path, ...]) -> bool:
    """A first path that is not a manifest file or a directory: a saved plan (it may be
    missing, and reading it then says so); the paths after it name its manifests."""
    first = paths[0] if paths else None
    return (
        first is not None
        and not first.is_dir()
        and first.suffix not in _MANIFEST_SUFFIXES
        and (first.is_file() or first.suffix == ".json")
    )


@click.command("apply")
@paths_argument
@click.option(
    "--auto-approve", is_flag=True, help="Apply without asking (needed when not at a terminal)."
)
@click.option(
    "--parallelism",
    type=click.IntRange(min=1, max=64),
    default=8,
    show_default=True,
    help="How many changes may run at once.",
)
@format_option("text", "json", help="How to print the report (json: one document on stdout).")
@plan_options
@manifest_options
@global_options
@pass_app
def command(
    app: App,
    paths: tuple[Path, ...],
    auto_approve: bool,
    parallelism: int,
    fmt: str,
    plan_options: PlanOptions,
    manifest_options: ManifestOptions,
) -> None:
    """Make live state match the manifests, or run a plan saved with `plan --out`."""
    from_file = _is_plan_file(paths)
    run = ApplyRun(
        app, parallelism=parallelism, fmt=fmt, auto_approve=auto_approve, from_file=from_file
    )
    if from_file:
        if plan_options != PlanOptions():
            raise UsageError(
                "--target, --prune, --allow-* and --rotate-secrets shape a plan; a saved plan "
                "was shaped when it was made (pass them to plan --out instead)"
            )
        try:
            report = run_interruptible(
                run.from_plan_file(paths[0], paths[1:], manifest_options.load)
            )
        except KeyboardInterrupt as stop:
            run.interrupted(exit_code(stop))
    else:
        stray = [p for p in paths if p.is_file() and p.suffix not in _MANIFEST_SUFFIXES]
        if stray and len(paths) > 1:
            raise UsageError(
                f"{stray[0]} is not a manifest (.yaml or .yml); apply takes manifest paths, or "
                "a saved plan file first (duvoform apply PLANFILE [PATH...])"
            )
        # bad manifests are named before anything else
        manifests = manifest_options.load_and_warn(paths)
        if not auto_approve and not sys.stdin.isatty():
            raise UsageError(
                "apply asks for confirmation, but stdin is not a terminal; review the plan "
                "and pass --auto-approve to apply without asking (or apply a saved plan file)"
            )
        try:
            report = run_interruptible(run.from_manifests(manifests, plan_options))
        except KeyboardInterrupt as stop:
            run.interrupted(exit_code(stop))
    run.finish(report)
