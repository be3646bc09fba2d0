"""``duvoform validate [PATH...]``: check manifests offline (no API key, no network).

Loads the manifests (YAML, templates, schemas, SOP files) and resolves their references. On
success it prints a one-line summary on stdout and exits 0; warnings go to stderr. On failure
it prints every problem on stderr, one per line in the ``file:line:col: Kind "name": reason``
form that editors and CI annotations understand (no ``Error:`` prefix, so that every line
parses), then the count, and exits 1.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.commands._options import (
    ManifestOptions,
    manifest_options,
    output_options,
    paths_argument,
)
from duvoform.engine.graph import DesiredState
from duvoform.errors import ManifestError

__all__ = ["command"]


@click.command("validate")
@paths_argument
@manifest_options
@output_options
@pass_app
def command(app: App, paths: tuple[Path, ...], manifest_options: ManifestOptions) -> None:
    """Check manifests offline: YAML, schema, templates, SOP files and references."""
    try:
        manifests = manifest_options.load_and_warn(paths)
        DesiredState.build(manifests)
    except ManifestError as exc:
        click.echo(exc.render(), err=True)
        raise click.exceptions.Exit(exc.exit_code) from None
    counts = Counter(resource.kind for resource in manifests.resources)
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    files = len(manifests.files)
    env = manifests.project.environment
    where = f" (environment {env})" if env else ""
    total = len(manifests.resources)
    click.echo(
        f"Valid: {total} resource{'s' if total != 1 else ''} ({kinds}) in {files} "
        f"file{'s' if files != 1 else ''}{where}."
    )
