"""Where imported documents go: one file per folder subtree, assignment and connection.

::

    folders/<top-level folder>.yaml      the Folder documents of one top-level folder and
                                         every folder under it, parents first
    assignments/<assignment>.yaml        one Assignment document each
    sops/<assignment>.md                 its SOP, referenced as sop_file: ../sops/<name>.md
    connections/<connection>.yaml        one Connection document each

File names come from display names (``names.file_stem``): an assignment and its SOP share a
stem, unique (ignoring case) within the import, claimed in a stable order (by name, then id) so
that importing the same team twice gives the same files.

The SOP file holds the SOP text with its trailing line breaks normalised to one newline (the
planner ignores trailing line breaks). An SOP a file cannot carry exactly stays inline
(``sop: |``): one that starts with a byte order mark (the loader drops it) or has no visible
character (the loader refuses an empty SOP file).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from duvoform.kinds.assignment.digest import normalise_sop
from duvoform.kinds.document import Document
from duvoform.kinds.names import UniqueNames, file_stem
from duvoform.manifest.yamlout import render_documents

__all__ = ["OutputFile", "layout", "sop_to_file"]

FOLDERS_DIR = PurePosixPath("folders")
ASSIGNMENTS_DIR = PurePosixPath("assignments")
SOPS_DIR = PurePosixPath("sops")
CONNECTIONS_DIR = PurePosixPath("connections")


@dataclass(frozen=True)
class OutputFile:
    """One file to write, relative to the output directory."""

    path: PurePosixPath
    text: str
    documents: tuple[Document, ...] = ()

    @property
    def is_sop(self) -> bool:
        """True for an extracted SOP file."""
        return self.path.parent == SOPS_DIR


def sop_to_file(document: Document, sop_path: PurePosixPath) -> tuple[Document, str | None]:
    """Move an assignment's inline SOP to ``sop_path`` (relative to the output directory).

    Returns the document (with ``sop_file`` relative to ``assignments/``) and the file's text,
    or the document unchanged and None when the SOP must stay inline.
    """
    build = document.data["spec"]["build"]
    text = build.get("sop")
    if not isinstance(text, str) or text.startswith("\ufeff") or not text.strip():
        return document, None
    relative = PurePosixPath("..") / sop_path
    new_build: dict[str, Any] = {}
    for key, value in build.items():
        if key == "sop":
            new_build["sop_file"] = relative.as_posix()
        else:
            new_build[key] = value
    spec = {**document.data["spec"], "build": new_build}
    return replace(document, data={**document.data, "spec": spec}), normalise_sop(text) + "\n"


def _stable(documents: Iterable[Document]) -> list[Document]:
    return sorted(documents, key=lambda d: (d.name, d.live_id))


def layout(
    folder_trees: Sequence[Sequence[Document]],
    assignments: Sequence[Document],
    connections: Sequence[Document],
) -> list[OutputFile]:
    """Every file of an import. ``folder_trees``: the Folder documents of each top-level
    subtree, parents first."""
    files: list[OutputFile] = []
    stems = UniqueNames()
    for tree in sorted(folder_trees, key=lambda t: (t[0].name, t[0].live_id)):
        path = FOLDERS_DIR / f"{stems.claim(file_stem(tree[0].name, 'folder'))}.yaml"
        files.append(OutputFile(path, render_documents(tree), tuple(tree)))
    stems = UniqueNames()
    for document in _stable(assignments):
        stem = stems.claim(file_stem(document.name, "assignment"))
        moved, sop = sop_to_file(document, SOPS_DIR / f"{stem}.md")
        path = ASSIGNMENTS_DIR / f"{stem}.yaml"
        files.append(OutputFile(path, render_documents([moved]), (moved,)))
        if sop is not None:
            files.append(OutputFile(SOPS_DIR / f"{stem}.md", sop))
    stems = UniqueNames()
    for document in _stable(connections):
        path = CONNECTIONS_DIR / f"{stems.claim(file_stem(document.name, 'connection'))}.yaml"
        files.append(OutputFile(path, render_documents([document]), (document,)))
    return files
