"""Agent folders: a tree through ``parent_folder_id`` (``None`` is the root)."""

from __future__ import annotations

from duvoform.api.models.base import WireModel

__all__ = ["Folder", "FolderListItem"]


class Folder(WireModel):
    """A folder as returned by create and update."""

    id: str
    name: str
    team_id: str | None = None
    parent_folder_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class FolderListItem(Folder):
    """A folder as the list returns it, with counts of its direct children."""

    agent_count: int | float | None = None
    subfolder_count: int | float | None = None
