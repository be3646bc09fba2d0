"""``show``'s text for a folder: the facts of ``facts.py`` beside it, line by line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from duvoform.kinds.home import ShowWriter

__all__ = ["show_text"]


def show_text(out: ShowWriter, facts: Mapping[str, Any]) -> None:
    """Write one folder's facts to ``out``."""
    out.line("  id: ", facts["id"])
    out.line("  path: ", facts["path"])
    out.line("  parent: ", facts["parent"] or "(root)")
    subfolders = facts["subfolders"]
    out.raw(f"  subfolders ({len(subfolders)}):" + ("\n" if subfolders else " none\n"))
    for child in subfolders:
        out.line("    ", f"{child['name']} ({child['id']})")
    assignments = facts["assignments"]
    out.raw(f"  assignments ({len(assignments)}):" + ("\n" if assignments else " none\n"))
    for agent in assignments:
        out.line("    ", f"{agent['name']} ({agent['id']})")
