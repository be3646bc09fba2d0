"""``show``'s facts of a folder: its path, subfolders and the assignments directly in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duvoform.lookup.reads import FolderView

__all__ = ["facts_folder"]


def facts_folder(view: FolderView) -> dict[str, Any]:
    """The folder, its path, its subfolders and the assignments directly in it."""
    folder = view.folder
    tree = view.tree
    parent = tree.get(folder.parent_folder_id)
    return {
        "id": folder.id,
        "name": folder.name,
        "path": "/".join(tree.path_of(folder.id)),
        "parent": None if parent is None else "/".join(tree.path_of(parent.id)),
        "subfolders": [
            {"id": child.id, "name": child.name, "assignments": child.agent_count}
            for child in sorted(tree.children(folder.id), key=lambda f: (f.name, f.id))
        ],
        "assignments": [
            {"id": agent.id, "name": agent.name}
            for agent in sorted(view.assignments, key=lambda a: (a.name, a.id))
        ],
    }
