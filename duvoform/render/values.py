"""Words and value formats that every plan renderer shares.

Values are shown JSON-ish (``"text"``, ``null``, ``["a", "b"]``, ``{"k": 1}``) on one line, with
keys sorted so that output does not depend on the order an API returned them in, and shortened
in the middle of nothing: a long value keeps its start and ends with ``…``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from duvoform.engine.plan import Action, FieldChange, Plan
from duvoform.redact import redact, scrub, scrub_prefix
from duvoform.sanitise import printable
from duvoform.text import shorten_url

__all__ = [
    "ACTION_LABELS",
    "ACTION_SYMBOLS",
    "NO_CHANGES",
    "VALUE_LIMIT",
    "format_value",
    "printable",
    "shorten",
    "shown_fields",
    "summary_sentence",
]

VALUE_LIMIT = 80
"""Default number of characters a one-line value may take before it is shortened."""

NO_CHANGES = "No changes. Live state matches the manifests."

# ``±`` for a build: the assignment stays, one immutable snapshot replaces another as live.
ACTION_SYMBOLS: dict[Action, str] = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.BUILD: "±",
    Action.DELETE: "-",
    Action.AUTHORIZE: "!",
}

ACTION_LABELS: dict[Action, str] = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in place",
    Action.BUILD: "will get a new build, promoted to live",
    Action.DELETE: "will be deleted",
    Action.AUTHORIZE: "needs authorization by a person (duvoform connect)",
}


def shorten(text: str, limit: int = VALUE_LIMIT) -> str:
    """``text`` scrubbed of secrets, then cut to at most ``limit`` characters, ending with
    ``…`` when it was cut."""
    text = scrub_prefix(text, limit)
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


def format_value(value: Any, limit: int | None = VALUE_LIMIT) -> str:
    """One line of JSON-ish text for ``value``, shortened to ``limit`` (None: never)."""
    if isinstance(value, _Missing):
        return value.label
    if isinstance(value, str) and limit is not None and len(value) > limit - 2:
        url = shorten_url(value, limit - 2)
        if url is not None:  # cut in the path, never in the host
            return printable(scrub(json.dumps(url, ensure_ascii=False)))
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):  # unsortable mixed keys, circular data: still show something
        text = repr(value)
    text = printable(text)
    return text if limit is None else shorten(text, limit)


def summary_sentence(plan: Plan) -> str:
    """``Plan: 1 to create, ... (7 unchanged).`` or the no-changes sentence."""
    if not plan.has_changes:
        return NO_CHANGES
    counts = plan.summary()
    parts = ", ".join(
        f"{counts[action.value]} to {action.value}"
        for action in (
            Action.CREATE,
            Action.UPDATE,
            Action.BUILD,
            Action.DELETE,
            Action.AUTHORIZE,
        )
    )
    return f"Plan: {parts} ({counts['unchanged']} unchanged)."


def shown_fields(field: FieldChange, action: Action | None = None) -> tuple[FieldChange, ...]:
    """What a renderer shows for one field change: secrets redacted, mappings opened up.

    When both sides are mappings (``headers``, ``build``), each differing key becomes its own
    change (``headers.plaintext.X-Org``), recursively and in sorted key order, so that a reader
    sees what changed instead of two shortened blobs. A key missing on one side shows as null,
    except where the other side is null too (a live secret header, whose value the API never
    returns): then the missing side shows as ``(removed)`` or ``(absent)``, so that a header
    going away is never hidden. In an update (``action``), the root folder of a folder move
    (``folder``, ``parent``: null in the plan's data) shows as ``(root)``.
    """
    safe = FieldChange(
        field.path, redact(field.before, field.path), redact(field.after, field.path)
    )
    if action in (Action.UPDATE, Action.BUILD) and field.path in _FOLDER_PATHS:
        safe = FieldChange(
            field.path,
            ROOT if safe.before is None else safe.before,
            ROOT if safe.after is None else safe.after,
        )
    return tuple(_leaves(safe))


class _Missing:
    """Shown for a key that one side of a change does not have, where null would hide it."""

    def __init__(self, label: str) -> None:
        self.label = label


REMOVED = _Missing("(removed)")
ROOT = _Missing("(root)")
_FOLDER_PATHS = frozenset({"folder", "parent"})
ABSENT = _Missing("(absent)")


def _leaves(field: FieldChange) -> list[FieldChange]:
    before, after = field.before, field.after
    if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        return [field]
    out: list[FieldChange] = []
    for key in sorted(set(before) | set(after), key=str):
        old, new = before.get(key), after.get(key)
        path = f"{field.path}.{key}"
        if old != new:
            out.extend(_leaves(FieldChange(path, old, new)))
        elif key not in after:  # both null: a key that goes away
            out.append(FieldChange(path, old, REMOVED))
        elif key not in before:
            out.append(FieldChange(path, ABSENT, new))
    return out or [field]
