"""What ``duvoform fmt`` prints: file names and unified diffs, safe for a terminal.

Diff lines come from manifest files, which are outside text: control characters in them are
shown as escapes (``values.printable``), line by line, so that a diff cannot move a terminal's
cursor.
"""

from __future__ import annotations

from collections.abc import Sequence

from duvoform.manifest.fmt import FormattedFile
from duvoform.render.values import printable

__all__ = ["render_diffs", "render_names"]


def render_names(files: Sequence[FormattedFile]) -> str:
    """One shown path per line, for the files that change ('' when none does)."""
    return "".join(printable(file.shown) + "\n" for file in files if file.changed)


def render_diffs(files: Sequence[FormattedFile]) -> str:
    """The unified diff of every file that changes, one after another."""
    out: list[str] = []
    for file in files:
        out.extend(printable(line) + "\n" for line in file.diff().splitlines())
    return "".join(out)
