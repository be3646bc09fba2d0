"""``duvoform schema [--out DIR]``: JSON Schemas for editors (yaml-language-server, IDEs).

Without ``--out`` the combined schema (any manifest document) is printed on stdout. With
``--out DIR`` every schema is written into DIR: one per kind, the combined one
(``duvoform.schema.json``) and one for ``duvoform.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import click

from duvoform.app import App, pass_app
from duvoform.commands._options import output_options
from duvoform.errors import UsageError
from duvoform.kinds.jsonschema import COMBINED, json_schemas, render_schema

__all__ = ["command"]


@click.command("schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every schema into this directory instead of printing the combined one.",
)
@output_options
@pass_app
def command(app: App, out: Path | None) -> None:
    """Print or write the JSON Schemas of duvoform manifests."""
    schemas = json_schemas()
    if out is None:
        click.echo(render_schema(schemas[COMBINED]), nl=False)
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, schema in sorted(schemas.items()):
            (out / name).write_text(render_schema(schema), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write schemas to {out}: {exc.strerror}") from None
    click.echo(f"Wrote {len(schemas)} schemas to {out}.")
