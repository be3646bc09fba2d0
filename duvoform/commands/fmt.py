"""``duvoform fmt [PATH...] [--check] [--diff]``: rewrite manifests in the canonical layout.

Prints the path of every file it rewrites (or, with ``--check``, would rewrite). ``--check``
writes nothing and exits 1 when any file is not formatted; ``--diff`` prints a unified diff of
each change (and, without ``--check``, still writes). A file that is not YAML duvoform reads is
reported as ``file:line:col: reason`` (every one, as ``validate`` reports them) and nothing is
written (exit 1).
"""

from __future__ import annotations

from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.commands._options import output_options, paths_argument
from duvoform.errors import ManifestError
from duvoform.manifest.fmt import format_paths
from duvoform.render.fmt import render_diffs, render_names

__all__ = ["command"]


@click.command("fmt")
@paths_argument
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of each change.")
@output_options
@pass_app
def command(app: App, paths: tuple[Path, ...], check: bool, show_diff: bool) -> None:
    """Rewrite manifests in the canonical layout (key order, indentation, SOP blocks)."""
    try:
        files = format_paths(paths)
    except ManifestError as exc:
        click.echo(exc.render(), err=True)  # one file:line:col problem per line, as validate
        raise click.exceptions.Exit(exc.exit_code) from None
    changed = [file for file in files if file.changed]
    if show_diff:
        click.echo(render_diffs(changed), nl=False)
    else:
        click.echo(render_names(changed), nl=False)
    if check:
        if changed:
            count = len(changed)
            click.echo(
                f"{count} file{'s' if count != 1 else ''} would be reformatted "
                "(run duvoform fmt to fix).",
                err=True,
            )
            raise click.exceptions.Exit(1)
        return
    for file in changed:
        file.write()
