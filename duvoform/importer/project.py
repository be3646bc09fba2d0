"""The ``duvoform.yaml`` an import writes, so that every command finds its manifest root there
(without one, commands run with no PATH ask for one rather than read the whole repository)."""

from __future__ import annotations

from pathlib import Path

from duvoform.errors import DuvoformError

__all__ = ["PROJECT_FILE", "PROJECT_TEXT", "write_project_file"]

PROJECT_FILE = "duvoform.yaml"

PROJECT_TEXT = """\
# duvoform project settings; this directory is the manifest root.
# Every key is optional (see the README): vars, environments, defaults, prune, safety.
# For example, to let `duvoform plan --prune` delete undeclared folders and connections:
# prune:
#   kinds: [Folder, Connection]
"""


def write_project_file(out: Path) -> Path | None:
    """Write ``out/duvoform.yaml`` unless one exists; return its path, or None when kept."""
    path = out / PROJECT_FILE
    try:
        out.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:
            file.write(PROJECT_TEXT)
    except FileExistsError:
        return None
    except OSError as exc:
        raise DuvoformError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
