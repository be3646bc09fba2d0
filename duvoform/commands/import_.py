"""``duvoform import --out DIR``: write manifests for an existing Duvo team.

Reads the live state (a few list requests, see ``duvoform.importer``), maps every folder,
assignment and connection to a manifest document, and writes them under ``DIR``: one file per
folder subtree, assignment and connection, SOPs in ``sops/*.md``. Existing files are never
overwritten without ``--force`` (nothing at all is written then). ``--kind`` and ``--folder``
narrow what is written.

stdout: a summary, and the environment variables that the connections' secret headers are
read from (set them before ``apply`` creates a connection or rotates its secrets). stderr: a
``note:`` for each thing a manifest cannot say (handover targets, legacy build settings...)
and a ``warning:`` for each live object that was not imported, with the reason.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.commands._options import global_options
from duvoform.importer import KINDS, ImportOptions, ImportResult
from duvoform.importer.run import Imported, import_team
from duvoform.kinds import Assignment, Folder
from duvoform.kinds import Connection as ConnectionKind
from duvoform.render.values import printable
from duvoform.text import quote

__all__ = ["command"]


async def _import(app: App, options: ImportOptions, out: Path, force: bool) -> Imported:
    async with app.client() as client:
        return await import_team(
            client, options, out, force=force, state_dir=app.state_dir, api_url=app.api_url
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(result: ImportResult, out: Path, written: int) -> str:
    parts = [
        _plural(result.count(Folder.KIND), "folder"),
        _plural(result.count(Assignment.KIND), "assignment"),
        _plural(result.count(ConnectionKind.KIND), "connection"),
    ]
    sops = sum(1 for f in result.files if f.is_sop)
    return (
        f"Imported {', '.join(parts[:-1])} and {parts[-1]} into {out} "
        f"({_plural(written, 'file')}, {sops} of them SOPs; "
        f"{_plural(result.requests, 'API request')})."
    )


def _directory(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    # An empty --out (an unset shell variable) must not quietly mean the current directory.
    if not value.strip():
        raise click.BadParameter("is empty; name a directory (--out . for this one)")
    return Path(value)


@click.command("import")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    callback=_directory,
    default=".",
    show_default=True,
    help="Directory to write the manifests to (created if missing).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KINDS, case_sensitive=False),
    help="Only write this kind (repeatable; default: every kind).",
)
@click.option(
    "--folder",
    "folders",
    multiple=True,
    metavar="NAME",
    help="Only write this folder's subtree and its assignments: a name, a path "
    "(Finance/Reports) or an id (repeatable). Connections are not in folders.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@global_options
@pass_app
def command(
    app: App, out: Path, kinds: tuple[str, ...], folders: tuple[str, ...], force: bool
) -> None:
    """Write manifests for the live team: folders, assignments (SOPs in files), connections."""
    canonical = {kind.casefold(): kind for kind in KINDS}
    options = ImportOptions(
        kinds=tuple(dict.fromkeys(canonical[k.casefold()] for k in kinds)),
        folders=folders,
    )
    imported = asyncio.run(_import(app, options, out, force))
    result, project = imported.result, imported.project
    for note in result.notes:
        click.echo(f"note: {printable(note)}", err=True)
    for skipped in result.skipped:
        click.echo(f"warning: {printable(skipped.message())}", err=True)
    click.echo(_summary(result, out, len(imported.written)))
    if project is not None:
        click.echo(f"Wrote {project} (the manifest root's settings).")
    if result.variables:
        click.echo(
            "\nSecret header values cannot be read from Duvo. Set these environment variables "
            "before apply creates a connection or rotates its secrets (--rotate-secrets):"
        )
        width = max(len(v.name) for v in result.variables)
        for variable in result.variables:
            click.echo(
                f"  {variable.name.ljust(width)}  Connection {quote(variable.connection)}, "
                f"header {printable(variable.header)}"
            )
