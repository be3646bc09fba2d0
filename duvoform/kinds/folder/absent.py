"""The note for ``ensure: absent`` on a folder that does not exist: say so, and name live
folders with that name at other paths (the manifest probably meant one of them)."""

from __future__ import annotations

from duvoform.engine.context import Context
from duvoform.kinds import Folder
from duvoform.text import listed, quote

__all__ = ["note_already_absent"]


def note_already_absent(ctx: Context, folder: Folder) -> None:
    """Add the plan note for ``folder`` (``ensure: absent``, nothing live at its path)."""
    path = "/".join(ctx.desired.folder_path(folder))
    note = (
        f"Folder/{path}: ensure: absent, and no live folder is at {quote(path)}; nothing to delete"
    )
    elsewhere = sorted(
        "/".join(ctx.live.folders.path_of(f.id))
        for f in ctx.live.folders.folders
        if f.name == folder.name
    )
    if elsewhere:
        note += (
            f". Live folders named {quote(folder.name)} elsewhere: "
            f"{listed([quote(p) for p in elsewhere])}; to delete one, set spec.parent to its "
            "parent (or pin metadata.id)"
        )
    ctx.result.notes.append(note)
