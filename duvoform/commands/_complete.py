"""Shell completion callbacks (click's own mechanism: ``_DUVOFORM_COMPLETE=bash_source``)."""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem

from duvoform.lookup.complete import manifest_addresses

__all__ = ["complete_address"]


def complete_address(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The manifest addresses (``Kind/name``) that start with ``incomplete`` (any case), from
    the manifest root of the current directory."""
    folded = incomplete.casefold()
    return [
        CompletionItem(address)
        for address in manifest_addresses()
        if address.casefold().startswith(folded)
    ]
