"""``duvoform show ADDRESS [PATH...]``: one live object, the way an operator wants to see it.

``ADDRESS`` is ``Assignment/NAME``, ``Connection/NAME`` or ``Folder/NAME`` (a folder may also be
given by its path), or any of them with an id instead of the name. A few direct reads, not a
plan (see ``duvoform.lookup.reads``); an assignment named by name is found through the local
name index (``duvoform.lookup.index``), so that it costs no listing of the whole team.

``--format text`` (default) prints the object; ``json`` prints one JSON document; ``yaml``
prints the object as a manifest document, the mapping ``import`` writes. With manifest
``PATH``\\ s, it also prints how the live object differs from its manifest, in the words of
``plan`` (in ``yaml`` format that goes to stderr, so that stdout stays a pasteable document).
A name that matches nothing, or several objects, is an error (exit 1) that says what was
meant or lists the ids.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.commands._complete import complete_address
from duvoform.commands._options import (
    ManifestOptions,
    format_option,
    global_options,
    manifest_options,
    paths_argument,
)
from duvoform.kinds.document import Skipped
from duvoform.lookup import Address, parse_address
from duvoform.lookup.show import Shown, show_object
from duvoform.manifest import Manifests
from duvoform.render.show import render_show_json, render_show_text, render_show_yaml
from duvoform.render.text import render_plan
from duvoform.sanitise import printable

__all__ = ["command"]


async def _show(app: App, address: Address, manifests: Manifests | None, refresh: bool) -> Shown:
    async with app.client() as client:
        return await show_object(
            client,
            address,
            manifests,
            state_dir=app.state_dir,
            api_url=app.api_url,
            refresh=refresh,
        )


@click.command("show")
@click.argument("address", shell_complete=complete_address)
@paths_argument
@format_option(
    "text",
    "json",
    "yaml",
    help="text for people, json for tools, yaml for a manifest document to paste.",
)
@click.option(
    "--refresh",
    is_flag=True,
    help="Re-read every assignment name instead of trusting the local name index.",
)
@manifest_options
@global_options
@pass_app
def command(
    app: App,
    address: str,
    paths: tuple[Path, ...],
    fmt: str,
    refresh: bool,
    manifest_options: ManifestOptions,
) -> None:
    """Show one live object: Assignment/NAME, Connection/NAME or Folder/NAME (or .../ID).

    With manifest PATHs, also show how it differs from its manifest, as plan would.
    """
    parsed = parse_address(address)
    manifests = None
    if paths:
        manifests = manifest_options.load_and_warn(paths)
    shown = asyncio.run(_show(app, parsed, manifests, refresh))
    if app.verbosity > 0:
        click.echo(f"show: {shown.requests} API requests", err=True)
    name = parsed.kind
    if fmt == "json":
        click.echo(render_show_json(name, shown.facts, shown.document, shown.comparison), nl=False)
        return
    if fmt == "yaml":
        _yaml(app, shown)
        return
    app.out.print(render_show_text(name, shown.facts, shown.document, shown.comparison), end="")


def _yaml(app: App, shown: Shown) -> None:
    document = shown.document
    if isinstance(document, Skipped):
        click.echo(
            f"Error: {printable(document.address)} cannot be written as a manifest: "
            f"{printable(document.reason)}",
            err=True,
        )
        raise click.exceptions.Exit(1)
    click.echo(render_show_yaml(document), nl=False)
    for note in document.notes:
        click.echo(f"note: {printable(note)}", err=True)
    comparison = shown.comparison
    if comparison is not None:
        if comparison.address is None:
            click.echo("No manifest in the given paths describes it.", err=True)
        else:
            app.err.print(render_plan(comparison.plan))
