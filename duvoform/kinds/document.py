"""What a mapping produces: a manifest document to write, or the reason one could not be made.

A ``Document`` is plain data in the key order it is written in (``apiVersion``, ``kind``,
``metadata``, ``spec``), with the comment lines that go above it and the notes that tell the
user what the manifest could not say. ``check`` validates the data against the manifest model
of its kind, so that nothing is written that ``duvoform validate`` would refuse. ``literal``
makes a string value that looks like a template read back as itself (manifests are templates,
so a live name such as ``Report {#v#}2024`` or an SOP line ``Dear {{customer}}`` must not be
rendered); the YAML writer applies it to every value it writes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from duvoform.kinds import API_VERSION, format_field, kind_class
from duvoform.manifest.template import is_templated
from duvoform.sanitise import printable

__all__ = ["Document", "Skipped", "check", "header", "literal", "one_line"]

_END_RAW = re.compile(r"(\{%[-+]?\s*endraw\s*[-+]?%\})")


@dataclass(frozen=True)
class Document:
    """One manifest document: ``data`` in written key order, ``comments`` above it, ``notes``
    (each starting with the address) for what the manifest cannot express."""

    kind: str
    name: str
    live_id: str
    data: dict[str, Any]
    comments: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """``Kind/name``, as plans name resources (folders: their path)."""
        return f"{self.kind}/{self.name}"

    def with_notes(self, *notes: str) -> Document:
        """A copy with more notes."""
        return replace(self, notes=(*self.notes, *notes))


@dataclass(frozen=True)
class Skipped:
    """A live object that no manifest could describe, and why."""

    kind: str
    name: str
    live_id: str
    reason: str

    @property
    def address(self) -> str:
        """``Kind/name``."""
        return f"{self.kind}/{self.name}"

    def message(self) -> str:
        """``Assignment/X (id ...) was not imported: reason``."""
        return f"{self.address} ({self.live_id}) was not imported: {self.reason}"


def header(kind: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """The first three keys of every document."""
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata}


def one_line(text: str) -> str:
    """``text`` fit for a one-line YAML comment: control characters shown as escapes."""
    return printable(text, strict=True)


def check(document: Document) -> Document | Skipped:
    """``document`` when its data is a valid manifest of its kind, else why it is not."""
    model = kind_class(document.kind)
    if model is None:  # pragma: no cover - every kind we map is registered
        return Skipped(document.kind, document.name, document.live_id, "unknown kind")
    try:
        model.model_validate(document.data)
    except ValidationError as exc:
        reasons = []
        for error in exc.errors():
            where = format_field(tuple(error["loc"]))
            reasons.append(f"{where}: {error['msg']}" if where else error["msg"])
        return Skipped(
            document.kind,
            document.name,
            document.live_id,
            "the live object cannot be written as a valid manifest (" + "; ".join(reasons) + ")",
        )
    return document


def literal(text: str) -> str:
    """``text`` as a manifest string value that templating renders back to ``text``: as it is
    when it holds no ``{{``, ``{%`` or ``{#``, else inside ``{% raw %}`` (an ``endraw`` tag in
    the text itself is written as a string expression)."""
    if not is_templated(text):
        return text
    parts = []
    for part in _END_RAW.split(text):
        if _END_RAW.fullmatch(part):
            parts.append("{{ " + json.dumps(part) + " }}")
        elif part:
            parts.append("{% raw %}" + part + "{% endraw %}")
    return "".join(parts)
