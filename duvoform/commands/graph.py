"""``duvoform graph [PATH...]``: a picture of the team the manifests describe.

Offline by default (no API key, no network): folders as subgraphs (mermaid) or clusters (DOT),
assignments and connections as nodes, and an edge for each ``sub_agents``, ``handover_to`` and
``connections`` entry, each kind drawn differently and explained in a legend. ``--format``
chooses ``mermaid`` (default; GitHub draws it in comments and markdown files) or ``dot`` (for
``dot -Tsvg``). With ``--plan`` it reads the live state as ``plan`` does and marks each object
by its planned action, unchanged ones dimmed; the plan options (``--prune``, ``--target``...)
shape that plan, and its safety rails are not enforced, since a picture changes nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.commands._options import (
    ManifestOptions,
    format_option,
    global_options,
    manifest_options,
    paths_argument,
    plan_options,
)
from duvoform.engine.graph import DesiredState
from duvoform.engine.planner import PlanOptions, build_plan
from duvoform.manifest import Manifests
from duvoform.render.graph_dot import render_dot
from duvoform.render.graph_mermaid import render_mermaid
from duvoform.render.picture import Picture, picture_of

__all__ = ["command"]


async def _planned(app: App, manifests: Manifests, options: PlanOptions) -> Picture:
    async with app.client() as client:
        result = await build_plan(manifests, client, replace(options, enforce_safety=False))
    return picture_of(result.desired, result.plan)


@click.command("graph")
@paths_argument
@format_option(
    "mermaid", "dot", help="mermaid (GitHub draws it) or Graphviz DOT (render with `dot -Tsvg`)."
)
@click.option(
    "--plan",
    "with_plan",
    is_flag=True,
    help="Read the live state and mark each object by its planned action (needs the API).",
)
@plan_options
@manifest_options
@global_options
@pass_app
def command(
    app: App,
    paths: tuple[Path, ...],
    fmt: str,
    with_plan: bool,
    plan_options: PlanOptions,
    manifest_options: ManifestOptions,
) -> None:
    """Draw the manifests' team as mermaid or DOT: folders, assignments, connections."""
    manifests = manifest_options.load_and_warn(paths)
    if with_plan:
        picture = asyncio.run(_planned(app, manifests, plan_options))
    else:
        picture = picture_of(DesiredState.build(manifests))
    click.echo(render_dot(picture) if fmt == "dot" else render_mermaid(picture), nl=False)
