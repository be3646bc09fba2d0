"""``duvoform drift [PATH...]``: what changed between the live team and the manifests, and why.

Reads the live state as ``plan`` does (the same requests) and writes nothing. Each difference
has a cause (``duvoform.engine.drift``). Exit codes: 0 no drift, 2 drift, 1 any error, a usage
error included (2 must only ever mean drift to a scheduled job). Live objects in no manifest
are listed apart and count only with ``--fail-on-unmanaged``.
"""

from __future__ import annotations

import asyncio
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
)
from duvoform.engine.drift import DriftReport, read_drift
from duvoform.manifest import Manifests
from duvoform.render.drift_json import render_drift_json
from duvoform.render.drift_markdown import render_drift_markdown
from duvoform.render.drift_text import render_drift

__all__ = ["command"]


async def _drift(app: App, manifests: Manifests) -> DriftReport:
    async with app.client() as client:
        return await read_drift(manifests, client)


@click.command("drift", cls=ExitTwoCommand)
@paths_argument
@format_option(
    "text", "markdown", "json", help="How to print the report (markdown fits a GitHub issue)."
)
@click.option(
    "--fail-on-unmanaged",
    is_flag=True,
    help="Count live objects that no manifest declares as drift (exit 2).",
)
@manifest_options
@global_options
@pass_app
def command(
    app: App,
    paths: tuple[Path, ...],
    fmt: str,
    fail_on_unmanaged: bool,
    manifest_options: ManifestOptions,
) -> None:
    """Report what differs between live state and the manifests, and why; exit 2 on drift."""
    manifests = manifest_options.load_and_warn(paths)
    with interrupted("Interrupted; drift changes nothing."):
        report = asyncio.run(_drift(app, manifests))
    if fmt == "json":
        click.echo(render_drift_json(report), nl=False)
    elif fmt == "markdown":
        text = render_drift_markdown(report, fail_on_unmanaged=fail_on_unmanaged)
        click.echo(text, nl=False)
    else:
        app.out.print(render_drift(report, fail_on_unmanaged=fail_on_unmanaged))
    if report.has_drift(fail_on_unmanaged=fail_on_unmanaged):
        raise click.exceptions.Exit(2)
