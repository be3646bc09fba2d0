"""Where a field of a document is: the slow path, taken only when something is wrong.

The fast loader keeps no positions below the document. To point at a field, ``SourceMap``
composes that one file again with the same C parser (so documents split and scalars resolve
exactly as they did on the fast path), keeps its node trees, and walks a field path down them.
Files are composed at most once, and only when a problem in them needs a position.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from duvoform.errors import Location

__all__ = ["SourceMap"]

FieldPath = tuple[str | int, ...]


class SourceMap:
    """Positions of fields in manifest files, composed lazily and cached per file."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[str, list[Node | None]]] = {}

    def register(self, path: Path, display: str) -> None:
        """Remember how to show ``path``; nothing is read until a position is needed."""
        self._files.setdefault(path, (display, []))

    def locate(self, path: Path, document: int, field: FieldPath, *, key: bool = False) -> Location:
        """The position of ``field`` in document ``document`` of ``path``.

        Points at the field's value, or at its key when ``key`` is true (unknown fields).
        When the path does not exist (a missing field), points at the deepest key that does,
        which is the mapping the field is missing from.
        """
        display, roots = self._files.setdefault(path, (str(path), []))
        if not roots:
            roots.extend(_compose(path))
        root = roots[document] if document < len(roots) else None
        if root is None:
            return Location(display, 1, 1)
        node, holder = _walk(root, field)
        target = (holder or root) if node is None or key else node
        return Location(display, target.start_mark.line + 1, target.start_mark.column + 1)


def _compose(path: Path) -> list[Node | None]:
    text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    # A syntax error ends the file, but the documents before it are whole: keep them, so that
    # their problems point at their own lines.
    roots: list[Node | None] = []
    try:
        for root in yaml.compose_all(text, Loader=yaml.CSafeLoader):
            roots.append(root)
    except yaml.YAMLError:
        pass
    return roots


def _walk(root: Node, field: FieldPath) -> tuple[Node | None, Node | None]:
    """Follow ``field`` from ``root``.

    Returns the value node (None when the path does not exist) and the node that names the
    deepest value reached: its key in a mapping, or the item itself in a list.
    """
    node: Node = root
    holder: Node | None = None
    for part in field:
        found = _child(node, part)
        if found is None:
            return None, holder
        key, node = found
        holder = key if key is not None else node
    return node, holder


def _child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    if type(node) is MappingNode:
        for key, value in node.value:
            if type(key) is ScalarNode and key.value == str(part):
                return key, value
        for key, value in node.value:  # keys brought in by a YAML merge ('<<')
            if key.tag == "tag:yaml.org,2002:merge":
                sources = value.value if type(value) is SequenceNode else [value]
                for source in sources:
                    found = _child(source, part)
                    if found is not None:
                        return found
        return None
    if type(node) is SequenceNode and isinstance(part, int) and 0 <= part < len(node.value):
        item: Any = node.value[part]
        return None, item
    return None
