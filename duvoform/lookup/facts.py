"""A shown object as plain JSON data: what ``show --format json`` prints under ``object``, and
what the text rendering reads. Each kind's facts are in its home (``kinds/<kind>/facts.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from duvoform.kinds.assignment.facts import HISTORY_SHOWN, facts_assignment
from duvoform.kinds.connection.facts import facts_connection
from duvoform.kinds.folder.facts import facts_folder
from duvoform.lookup.reads import AssignmentView, ConnectionView, FolderView

__all__ = [
    "HISTORY_SHOWN",
    "facts_assignment",
    "facts_connection",
    "facts_folder",
    "facts_of",
]

View = AssignmentView | ConnectionView | FolderView


def facts_of(view: View, declared: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The facts of any shown object."""
    if isinstance(view, AssignmentView):
        return facts_assignment(view)
    if isinstance(view, ConnectionView):
        return facts_connection(view, declared)
    return facts_folder(view)
