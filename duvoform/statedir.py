"""The local state directory (``.duvoform/``): journal, name index, embedded emulator database.

It sits in the working directory, usually a git repository, and holds nothing to commit, so it
is made with a ``.gitignore`` that ignores everything in it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["GITIGNORE", "make_state_dir"]

GITIGNORE = "# Written by duvoform: local state, not for version control.\n*\n"


def make_state_dir(state_dir: Path, *below: str) -> Path:
    """Make ``state_dir`` (with its ``.gitignore``, unless one exists) and ``state_dir/below``;
    return the latter. Raises ``OSError`` as ``Path.mkdir`` does."""
    state_dir.mkdir(parents=True, exist_ok=True)
    ignore = state_dir / ".gitignore"
    if not ignore.exists():
        try:
            with ignore.open("x", encoding="utf-8") as file:
                file.write(GITIGNORE)
        except FileExistsError:
            pass
    target = state_dir.joinpath(*below)
    target.mkdir(parents=True, exist_ok=True)
    return target
