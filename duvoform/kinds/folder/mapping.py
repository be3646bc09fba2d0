"""Live folders -> ``Folder`` manifest documents (the mapping ``import`` and ``show`` share).

A folder's document names its parent the way a manifest would: by its name when no other live
folder has it, else by its path from the root (``folder_ref``). Only what a manifest says is
written: no id (unless the path alone would match more than one live folder), no counts.
"""

from __future__ import annotations

from typing import Any

from duvoform.api.models import FolderListItem
from duvoform.engine.live import FolderTree
from duvoform.kinds.document import Document, Skipped, check, header
from duvoform.kinds.folder.model import Folder

__all__ = ["folder_document", "folder_ref"]


def folder_ref(tree: FolderTree, folder_id: str | None) -> str | None:
    """How a manifest names a live folder: its name when no other live folder has it, else
    its path from the root (``Finance/Reports``); None for the root."""
    path = tree.path_of(folder_id)
    if not path:
        return None
    name = path[-1]
    same_name = sum(1 for folder in tree.folders if folder.name == name)
    return name if same_name == 1 else "/".join(path)


def folder_document(
    folder: FolderListItem, tree: FolderTree, *, pin_id: bool = False
) -> Document | Skipped:
    """The ``Folder`` document of a live folder (``spec: {}`` at the root)."""
    metadata: dict[str, Any] = {"name": folder.name}
    if pin_id:
        metadata["id"] = folder.id
    spec: dict[str, Any] = {}
    parent = folder_ref(tree, folder.parent_folder_id)
    if parent is not None:
        spec["parent"] = parent
    data = {**header(Folder.KIND, metadata), "spec": spec}
    path = "/".join(tree.path_of(folder.id)) or folder.name
    return check(Document(Folder.KIND, path, folder.id, data))
