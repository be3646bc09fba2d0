"""``show``'s three renderings of one live object: text, JSON and a manifest document (YAML).

- the object's facts (``duvoform.lookup.facts``) are plain JSON data;
- ``render_show_text``: those facts for a person, with the SOP in full and, when manifests
  were given, the plan's own rendering of how the object differs from its manifest;
- ``render_show_json``: ``{"format_version": 1, "kind", "object", "manifest", "diff"}``, one
  document (``diff`` is the ``plan --format json`` contract narrowed to this object, or null);
- ``render_show_yaml``: the manifest document ``import`` would write (SOP inline), ready to
  paste into a repository.

Secret header values are never in any of them: the API does not return them, and a header the
API reports with a blank value is shown as ``secret (set)``. Every string from the API goes
through ``printable`` before it reaches a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from duvoform.kinds.document import Document, Skipped
from duvoform.kinds.registry import home
from duvoform.lookup.compare import Comparison
from duvoform.manifest.yamlout import render_documents
from duvoform.render.jsondoc import json_document
from duvoform.render.plan_json import plan_document
from duvoform.render.text import render_plan
from duvoform.render.values import format_value, printable

__all__ = [
    "SHOW_FORMAT_VERSION",
    "render_show_json",
    "render_show_text",
    "render_show_yaml",
]

SHOW_FORMAT_VERSION = 1


# -- renderings ----------------------------------------------------------------------------


def render_show_yaml(document: Document) -> str:
    """The manifest document (with its comments), as ``import`` writes it (SOP inline)."""
    return render_documents([document])


def render_show_json(
    kind: str,
    facts: Mapping[str, Any],
    document: Document | Skipped,
    comparison: Comparison | None,
) -> str:
    """One JSON document: the facts, the manifest mapping (null when the object cannot be
    written as a manifest; ``manifest_notes`` says why), and the diff (or null)."""
    doc = {
        "format_version": SHOW_FORMAT_VERSION,
        "kind": kind,
        "object": dict(facts),
        "manifest": document.data if isinstance(document, Document) else None,
        "manifest_notes": _notes(document),
        "diff": None,
    }
    if comparison is not None:
        diff = plan_document(comparison.plan)
        diff["address"] = comparison.address
        doc["diff"] = diff
    return json_document(doc)


def render_show_text(
    kind: str,
    facts: Mapping[str, Any],
    document: Document | Skipped,
    comparison: Comparison | None,
) -> Text:
    """The object for a person, then the manifest notes, then the diff when there is one."""
    out = Text()
    out.append(f"{kind} {format_value(facts['name'], None)}\n")
    writer = _Writer(out)
    found = home(kind)
    if found is not None:
        found.show_text(writer, facts)
    notes = _notes(document)
    if notes:
        out.append("\nWhat a manifest cannot say about it:\n")
        for note in notes:
            writer.line("  - ", note)
    if comparison is not None:
        out.append("\n")
        if comparison.address is None:
            out.append("No manifest in the given paths describes it.\n")
        else:
            out.append(f"Compared with the manifest {printable(comparison.address)}:\n")
            out.append_text(render_plan(comparison.plan))
            out.append("\n")
    return out


def _notes(document: Document | Skipped) -> list[str]:
    """The manifest notes without their address prefix (the object is the subject)."""
    if isinstance(document, Skipped):
        return [f"it cannot be written as a manifest: {document.reason}"]
    prefix = f"{document.address}: "
    return [note.removeprefix(prefix) for note in document.notes]


class _Writer:
    """``KindHome.show_text``'s writer: every value made printable on its way in."""

    def __init__(self, out: Text) -> None:
        self.out = out

    def line(self, label: str, value: Any) -> None:
        text = value if isinstance(value, str) else format_value(value, None)
        self.out.append(f"{label}{printable(text)}\n")

    def raw(self, text: str) -> None:
        self.out.append(text)

    def format(self, value: Any) -> str:
        return format_value(value)
