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

from duvoform.api.client import DuvoClient
from duvoform.app import App, pass_app
from duvoform.commands._complete import complete_address
from duvoform.commands._options import ManifestOptions, global_options, manifest_options
from duvoform.kinds import Assignment, CustomMcpConnectionSpec
from duvoform.kinds import Connection as ConnectionKind
from duvoform.kinds.assignment.mapping import assignment_document
from duvoform.kinds.connection.mapping import connection_document
from duvoform.kinds.document import Document, Skipped
from duvoform.kinds.folder.mapping import folder_document, folder_ref
from duvoform.lookup import (
    Address,
    NameIndex,
    compare_assignment,
    compare_connection,
    compare_folder,
    find_assignment,
    parse_address,
    read_assignment,
    read_connection,
    read_folder,
)
from duvoform.lookup.compare import Comparison
from duvoform.lookup.facts import facts_of
from duvoform.lookup.reads import AssignmentView, ConnectionView, FolderView
from duvoform.manifest import Manifests
from duvoform.render.show import render_show_json, render_show_text, render_show_yaml
from duvoform.render.text import render_plan
from duvoform.sanitise import printable

__all__ = ["command"]

View = AssignmentView | ConnectionView | FolderView


class _Shown:
    """What one ``show`` read: the object, its manifest mapping, and the comparison."""

    def __init__(
        self, view: View, document: Document | Skipped, comparison: Comparison | None
    ) -> None:
        self.view = view
        self.document = document
        self.comparison = comparison
        self.requests = 0


def _pinned_id(manifests: Manifests | None, kind: str, name: str) -> str | None:
    """A manifest's ``metadata.id`` for ``kind``/``name``: the object can be read directly."""
    if manifests is None:
        return None
    for resource in manifests.of_kind(kind):
        if resource.name == name and resource.metadata.id is not None:
            return str(resource.metadata.id)
    return None


def _declared_headers(manifests: Manifests | None, name: str) -> dict[str, str] | None:
    if manifests is None:
        return None
    for resource in manifests.of_kind(ConnectionKind.KIND):
        if resource.name == name and isinstance(resource, ConnectionKind):
            spec = resource.spec
            if isinstance(spec, CustomMcpConnectionSpec):
                declared = {header: "plaintext" for header in spec.headers.plaintext}
                declared.update({header: "secret" for header in spec.headers.secret})
                return declared
    return None


async def _show(app: App, address: Address, manifests: Manifests | None, refresh: bool) -> _Shown:
    async with app.client() as client:
        started = client.request_count
        shown = await _read(app, client, address, manifests, refresh)
        shown.requests = client.request_count - started
    return shown


async def _read(
    app: App, client: DuvoClient, address: Address, manifests: Manifests | None, refresh: bool
) -> _Shown:
    pinned = None if address.is_id else _pinned_id(manifests, address.kind, address.ref)
    if pinned is not None:
        address = Address(address.kind, pinned)
    if address.kind == Assignment.KIND:
        index = NameIndex.load(app.state_dir, app.api_url)
        agent = await find_assignment(client, address, index, refresh=refresh)
        view = await read_assignment(client, agent, index, with_folders=manifests is not None)
        index.save()
        document = assignment_document(
            agent,
            view.live_build,
            folder=folder_ref(view.tree, agent.folder_id),
            agent_names=view.agent_names,
            wiring=view.wiring,
            schedules=view.schedules,
            pin_id=view.name_shared,
        )
        comparison = compare_assignment(manifests, view) if manifests is not None else None
        return _Shown(view, document, comparison)
    if address.kind == ConnectionKind.KIND:
        cview = await read_connection(client, address)
        made, _variables = connection_document(cview.connection, cview.credentials)
        compared = compare_connection(manifests, cview) if manifests is not None else None
        return _Shown(cview, made, compared)
    fview = await read_folder(client, address)
    folder = folder_document(fview.folder, fview.tree)
    fcompared = compare_folder(manifests, fview) if manifests is not None else None
    return _Shown(fview, folder, fcompared)


@click.command("show")
@click.argument("address", shell_complete=complete_address)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "yaml"]),
    default="text",
    show_default=True,
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
    declared = None
    if isinstance(shown.view, ConnectionView):
        declared = _declared_headers(manifests, shown.view.connection.name)
    facts = facts_of(shown.view, declared)
    if fmt == "json":
        click.echo(render_show_json(name, facts, shown.document, shown.comparison), nl=False)
        return
    if fmt == "yaml":
        _yaml(app, shown)
        return
    app.out.print(render_show_text(name, facts, shown.document, shown.comparison), end="")


def _yaml(app: App, shown: _Shown) -> None:
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
