"""Folder subtrees: which folders an import of some folders writes, and in what order.

A folder subtree is a folder and every folder under it. ``select_folders`` turns ``--folder``
values (names, paths or ids) into the ids of their subtrees; ``with_ancestors`` adds the
folders above them (written too, so that ``spec.parent`` resolves); ``parents_first`` orders
a tree for writing; ``subtrees`` groups documents by top-level subtree (one file each).
"""

from __future__ import annotations

from collections.abc import Sequence

from duvoform.api.models import FolderListItem
from duvoform.engine.live import FolderTree
from duvoform.errors import UsageError
from duvoform.kinds.document import Document
from duvoform.text import did_you_mean, quote

__all__ = ["parents_first", "select_folders", "subtrees", "with_ancestors"]


def select_folders(tree: FolderTree, wanted: Sequence[str]) -> set[str]:
    """The ids of the folders in the subtrees ``wanted`` names (names, paths or ids).

    ``UsageError`` for a name that matches no folder (with a "did you mean") or several.
    """
    chosen: set[str] = set()
    paths = {"/".join(tree.path_of(f.id)): f for f in tree.folders}
    for ref in wanted:
        found = [f for f in tree.folders if ref in (f.id, f.name)] or [
            f for p, f in paths.items() if p == ref.strip("/")
        ]
        if not found:
            raise UsageError(
                f"--folder {quote(ref)}: no live folder has that name or path"
                + did_you_mean(ref, [*paths, *(f.name for f in tree.folders)])
            )
        if len(found) > 1:
            where = ", ".join(sorted(quote(p) for p, f in paths.items() if f in found))
            raise UsageError(
                f"--folder {quote(ref)}: {len(found)} folders have that name ({where}); "
                "give its path"
            )
        pending = [found[0].id]
        while pending:
            current = pending.pop()
            chosen.add(current)
            pending.extend(child.id for child in tree.children(current))
    return chosen


def parents_first(tree: FolderTree) -> list[FolderListItem]:
    order: list[FolderListItem] = []
    pending = list(reversed(tree.children(None)))
    while pending:
        folder = pending.pop()
        order.append(folder)
        pending.extend(reversed(tree.children(folder.id)))
    return order


def with_ancestors(tree: FolderTree, ids: set[str]) -> set[str]:
    keep = set(ids)
    for ident in ids:
        current = tree.get(ident)
        while current is not None and current.parent_folder_id is not None:
            keep.add(current.parent_folder_id)
            current = tree.get(current.parent_folder_id)
    return keep


def subtrees(tree: FolderTree, docs: dict[str, Document]) -> list[list[Document]]:
    trees: list[list[Document]] = []
    for folder in parents_first(tree):
        if folder.id not in docs:
            continue
        parent = folder.parent_folder_id
        if parent not in docs:
            trees.append([])
        trees[-1].append(docs[folder.id])
    return trees
