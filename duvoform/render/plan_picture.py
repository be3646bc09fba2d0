"""The picture in a plan's pull-request comment: the changed objects and their neighbours.

``picture_section`` draws ``focus(picture, limit)`` as a mermaid block under a ``### Picture``
heading, for the largest limit of ``LIMITS`` (at most ``DEFAULT_LIMIT`` objects) whose block
fits in the room the comment has for it, and says how many objects were left out. Long names
are shortened in the picture (the change blocks below keep them whole). When not even the
smallest picture fits, a one-line note says so instead.
"""

from __future__ import annotations

from duvoform.render.graph_mermaid import render_mermaid
from duvoform.render.picture import DEFAULT_LIMIT, Picture, focus

__all__ = ["LABEL_LIMIT", "LIMITS", "picture_section"]

LIMITS: tuple[int, ...] = (DEFAULT_LIMIT, 25, 12, 6)
"""The sizes tried, largest first, until a picture fits its room."""
LABEL_LIMIT = 60
"""Characters of a name a comment's picture shows."""
_TOO_BIG = "\n*The picture of the changes is left out: it does not fit in this comment.*\n"


def picture_section(picture: Picture, *, room: int) -> str:
    """The comment's picture section in at most ``room`` characters ("" when nothing fits)."""
    for limit in LIMITS:
        shown = focus(picture, limit)
        if not shown.size:
            return ""
        section = _section(shown, limit)
        if len(section) <= room:
            return section
    return _TOO_BIG if len(_TOO_BIG) <= room else ""


def _section(shown: Picture, limit: int) -> str:
    diagram = render_mermaid(shown, label_limit=LABEL_LIMIT)
    parts = ["\n### Picture\n\n", f"```mermaid\n{diagram}```\n"]
    if shown.left_out:
        noun = "object is" if shown.left_out == 1 else "objects are"
        parts.append(
            f"\n*{shown.left_out:,} more changed or neighbouring {noun} not drawn: "
            f"this picture shows at most {limit} objects.*\n"
        )
    return "".join(parts)
