"""``duvoform plan [PATH...]``: what apply would change, read from the live API, changing nothing.

The plan goes to stdout in the chosen ``--format`` (``json`` prints exactly one document);
manifest warnings and the plan-file message go to stderr, and the manifest warnings are also
the first of the plan's ``warnings`` in the JSON and markdown plans (the pull request comment
must show a model name that looks like a typo). ``--out FILE`` also saves the plan
for ``duvoform apply FILE`` (signed when ``DUVOFORM_PLAN_KEY`` is set).
``--detailed-exitcode``: 0 no changes, 2 changes, 1 error, a usage error included (without
it, 0 whenever the plan was made, and 2 for a usage error).
``--target Kind/name`` (repeatable) narrows the plan to those resources and what they depend
on.

``--probe`` runs the pre-flight checks of ``duvoform.kinds.connection.probe`` (the MCP probe of
custom MCP connections, with their headers, secret ones only for ``probe.allowed_hosts``; the
OAuth support check of MCP OAuth servers) and adds what they find to the plan's warnings (a
probe sent without secrets is a note). ``--strict`` (implies ``--probe``) makes those findings
errors: the plan is shown, then the command exits 1 and saves no plan file. ``--rotate-secrets
[NAME]`` plans to send secret header values again, as ``apply --rotate-secrets`` does.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.commands._exits import ExitTwoCommand, interrupted
from duvoform.commands._options import (
    ManifestOptions,
    format_option,
    global_options,
    manifest_options,
    paths_argument,
    plan_options,
)
from duvoform.engine.planfile import PLAN_KEY_ENV, write_plan_file
from duvoform.engine.planner import PlanOptions, PlanResult
from duvoform.engine.preflight import probe_plan, strict_error
from duvoform.kinds.connection.probe import Finding
from duvoform.lookup.known import plan_remembering
from duvoform.manifest import Manifests
from duvoform.render import render_json, render_markdown, render_text
from duvoform.render.picture import picture_of

__all__ = ["command"]


async def _plan(
    app: App, manifests: Manifests, options: PlanOptions, *, probe: bool
) -> tuple[PlanResult, list[Finding]]:
    async with app.client() as client:
        result = await plan_remembering(
            manifests, client, options, state_dir=app.state_dir, api_url=app.api_url
        )
        return await probe_plan(client, result, options.targets) if probe else (result, [])


class _PlanCommand(ExitTwoCommand):
    """``plan``, whose ``--detailed-exitcode`` gives exit 2 the meaning "changes"."""

    exit_two_flag = "detailed_exitcode"


@click.command("plan", cls=_PlanCommand)
@paths_argument
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also save the plan to FILE, for `duvoform apply FILE`.",
)
@format_option("text", "markdown", "json", help="How to print the plan.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are changes, 1 on error.",
)
@click.option(
    "--probe",
    is_flag=True,
    help="Also check that MCP servers answer and accept the connections' credentials "
    "(findings are warnings).",
)
@click.option("--strict", is_flag=True, help="Like --probe, but its findings are errors.")
@plan_options
@manifest_options
@global_options
@pass_app
def command(
    app: App,
    paths: tuple[Path, ...],
    out: Path | None,
    fmt: str,
    detailed_exitcode: bool,
    probe: bool,
    strict: bool,
    plan_options: PlanOptions,
    manifest_options: ManifestOptions,
) -> None:
    """Show what apply would change, reading the live API and changing nothing."""
    manifests = manifest_options.load_and_warn(paths)
    saved = f"; {out} was not written" if out is not None else ""
    with interrupted(f"Interrupted; a plan changes nothing, so nothing was changed{saved}."):
        result, findings = asyncio.run(_plan(app, manifests, plan_options, probe=probe or strict))
    plan = result.plan
    if fmt in ("json", "markdown") and manifests.warnings:
        found = tuple(warning.render() for warning in manifests.warnings)
        plan = replace(plan, warnings=found + plan.warnings)
    if fmt == "json":
        click.echo(render_json(plan), nl=False)
    elif fmt == "markdown":
        picture = picture_of(result.desired, plan)
        click.echo(render_markdown(plan, verbose=app.verbosity > 0, picture=picture), nl=False)
    else:
        app.out.print(render_text(plan, verbose=app.verbosity > 0))
    if strict and findings:
        raise strict_error(findings)
    if out is not None:
        write_plan_file(
            out,
            result,
            api_url=app.api_url,
            key_fingerprint=app.key_fingerprint(),
            plan_key=os.environ.get(PLAN_KEY_ENV) or None,
        )
        click.echo(f"Saved the plan to {out}; apply it with: duvoform apply {out}", err=True)
    if detailed_exitcode and plan.has_changes:
        raise click.exceptions.Exit(2)
