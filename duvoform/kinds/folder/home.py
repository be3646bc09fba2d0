"""The Folder kind's home: its tables, live reads, fingerprint and show text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from duvoform.engine.context import Context
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveState
from duvoform.kinds.base import Resource
from duvoform.kinds.folder import show
from duvoform.kinds.folder.diff import diff_folders, plan_folder_deletes
from duvoform.kinds.folder.model import PATH_SEPARATOR, Folder
from duvoform.kinds.home import KindHome, ShowWriter
from duvoform.text import quote

__all__ = ["HOME", "FolderHome"]


class FolderHome(KindHome):
    """Folders: identified by their path from the root; changes run first."""

    kind = Folder.KIND
    plural = "folders"
    noun = "path"
    operation_modules = ("duvoform.kinds.folder.ops",)

    @property
    def model(self) -> type[Resource]:
        return Folder

    def diff(self, ctx: Context) -> None:
        diff_folders(ctx)

    def deletes(self, ctx: Context) -> None:
        plan_folder_deletes(ctx)

    def live_count(self, live: LiveState) -> int:
        return len(live.folders)

    def live_ids(self, live: LiveState, identity: str) -> list[str]:
        return [f.id for f in live.folders.find(identity.split(PATH_SEPARATOR))]

    def holders(
        self,
        live: LiveState,
        desired: DesiredState,
        ids: Mapping[str, str],
        resource: Resource | None,
        name: str,
    ) -> list[str]:
        if not isinstance(resource, Folder):
            return []
        # Siblings under the desired parent's live folder (which may itself be renamed).
        parent = desired.parent_of(resource)
        parent_id = ids.get(desired.address(parent)) if parent else None
        if parent is not None and parent_id is None:
            return []  # the parent is new: it holds nothing yet
        return [f.id for f in live.folders.children(parent_id) if f.name == resource.name]

    def fingerprint_view(self, live: LiveState, live_id: str) -> dict[str, Any] | None:
        folder = live.folders.get(live_id)
        if folder is None:
            return None
        parent = folder.parent_folder_id
        return {
            "name": folder.name,
            "parent": parent if live.folders.get(parent) is not None else None,
        }

    def target_hint(self, name: str, candidates: Sequence[str]) -> str:
        """A bare name that ends folder paths lists them all (``Folder/Reports`` may mean
        ``Folder/Finance/Reports`` or ``Folder/Operations/Reports``)."""
        leaf = PATH_SEPARATOR + name.rsplit(PATH_SEPARATOR, 1)[-1]
        prefix = f"{self.kind}/"
        paths = sorted({c for c in candidates if c.startswith(prefix) and c.endswith(leaf)})
        if not paths:
            return ""
        return "; folders are named by their path from the root: " + ", ".join(
            quote(p) for p in paths
        )

    def show_text(self, out: ShowWriter, facts: Mapping[str, Any]) -> None:
        show.show_text(out, facts)


HOME = FolderHome()
