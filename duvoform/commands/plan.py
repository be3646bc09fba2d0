"""``duvoform plan [PATH...]``: what apply would change, read from the live API, changing nothing.

The plan goes to stdout in the chosen ``--format`` (``json`` prints exactly one document);
manifest warnings and the plan-file message go to stderr. ``--out FILE`` also saves the plan
for ``duvoform apply FILE``. ``--detailed-exitcode``: 0 no changes, 2 changes, 1 error (without
it, 0 whenever the plan was made). ``--target Kind/name`` (repeatable) narrows the plan to those
resources and what they depend on.

``--probe`` runs the pre-flight checks of ``duvoform.connect.probe`` (the MCP probe of custom
MCP connections, with their headers; the OAuth support check of MCP OAuth servers) and adds
what they find to the plan's warnings. ``--strict`` (implies ``--probe``) makes those findings
errors: the plan is shown, then the command exits 1 and saves no plan file. ``--rotate-secrets
[NAME]`` plans to send secret header values again, as ``apply --rotate-secrets`` does.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.commands._options import ManifestOptions, manifest_options, plan_options
from duvoform.connect import Finding, preflight
from duvoform.errors import PlanError, Problem
from duvoform.manifest import Manifests
from duvoform.pipeline import PlanOptions, PlanResult, build_plan
from duvoform.planfile import write_plan_file
from duvoform.render import render_json, render_markdown, render_text

__all__ = ["command"]


async def _plan(
    app: App, manifests: Manifests, options: PlanOptions, *, probe: bool
) -> tuple[PlanResult, list[Finding]]:
    async with app.client() as client:
        result = await build_plan(manifests, client, options)
        if not probe:
            return result, []
        scope = None
        if options.targets:
            scope = {c.address for c in result.plan.changes} | set(options.targets)
        findings = await preflight(client, result.desired, addresses=scope)
    if findings:
        warnings = result.plan.warnings + tuple(f.render() for f in findings)
        result = replace(result, plan=replace(result.plan, warnings=warnings))
    return result, findings


@click.command("plan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also save the plan to FILE, for `duvoform apply FILE`.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="How to print the plan.",
)
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
    manifests = manifest_options.load(paths)
    for warning in manifests.warnings:
        click.echo(f"warning: {warning.render()}", err=True)
    try:
        result, findings = asyncio.run(_plan(app, manifests, plan_options, probe=probe or strict))
    except KeyboardInterrupt:
        saved = f"; {out} was not written" if out is not None else ""
        click.echo(
            f"\nInterrupted; a plan changes nothing, so nothing was changed{saved}.", err=True
        )
        raise click.exceptions.Exit(130) from None
    plan = result.plan
    if fmt == "json":
        click.echo(render_json(plan), nl=False)
    elif fmt == "markdown":
        click.echo(render_markdown(plan, verbose=app.verbosity > 0), nl=False)
    else:
        app.out.print(render_text(plan, verbose=app.verbosity > 0))
    if strict and findings:
        raise PlanError(
            [Problem(None, (finding.render(),)) for finding in findings],
            f"--strict: the pre-flight checks found {len(findings)} problem"
            f"{'s' if len(findings) != 1 else ''}, so no plan was saved",
        )
    if out is not None:
        write_plan_file(out, result, api_url=app.api_url)
        click.echo(f"Saved the plan to {out}; apply it with: duvoform apply {out}", err=True)
    if detailed_exitcode and plan.has_changes:
        raise click.exceptions.Exit(2)
