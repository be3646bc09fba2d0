"""Line diffs of long text (SOPs), shared by the text and markdown renderers.

A reviewer should see what changed in a 60-line SOP, not the whole SOP twice: ``line_diff``
returns unified-diff hunks (``@@ -27,7 +27,7 @@``) with a few lines of context around each
change, as tagged lines that each renderer styles its own way. Past ``MAX_DIFF_LINES`` lines
or ``MAX_DIFF_CHARS`` characters on either side, a line diff would be slow and unreadable, so
one remark says how the text changed instead (lines before and after, added and removed).
So does text whose lines repeat so much that matching them would take long: ``SequenceMatcher``
compares every pair of equal lines, so a few hundred copies of one line on each side cost
seconds and thousands cost minutes (``MAX_MATCH_PAIRS`` bounds them). A line found in more
than one in a hundred of the new text's lines (blank lines, say) is not matched on
(``autojunk``): the diff stays readable and takes milliseconds.
``append_line_diff`` is how the terminal renderings (plan, drift) show one.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from rich.text import Text

from duvoform.engine.plan import FieldChange
from duvoform.sanitise import printable

__all__ = [
    "CONTEXT_LINES",
    "MAX_DIFF_CHARS",
    "MAX_DIFF_LINES",
    "DiffLine",
    "Tag",
    "append_line_diff",
    "is_text_change",
    "line_diff",
]

CONTEXT_LINES = 3
MAX_DIFF_LINES = 20_000
"""Text longer than this (either side) is summarised, not diffed line by line."""
MAX_DIFF_CHARS = 2_000_000
"""Text larger than this (either side) is summarised, not diffed line by line."""
MAX_MATCH_PAIRS = 2_000_000
"""Text with more pairs of equal lines than this (the matcher's work) is summarised."""

Tag = Literal["@", " ", "-", "+", "\\"]
"""``@`` hunk header, `` `` context, ``-`` removed, ``+`` added, ``\\`` a remark (no line)."""

_STYLES: dict[str, str] = {"@": "cyan", "-": "red", "+": "green", " ": "", "\\": "yellow"}


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff; ``text`` has no line ending and no tag prefix."""

    tag: Tag
    text: str

    def __str__(self) -> str:
        if self.tag == "@":
            return self.text
        return f"{self.tag}{self.text}" if self.tag != "\\" else f"\\ {self.text}"


def is_text_change(change: FieldChange) -> bool:
    """True when a field change reads better as a line diff than as ``before -> after``.

    That is any field whose path ends with ``sop`` (both sides text or absent), and any field
    with a multi-line string on either side.
    """
    before, after = change.before, change.after
    if not all(side is None or isinstance(side, str) for side in (before, after)):
        return False
    if before is None and after is None:
        return False
    if change.path.rsplit(".", 1)[-1].lower() == "sop":
        return True
    return any(isinstance(side, str) and _is_multiline(side) for side in (before, after))


def _is_multiline(text: str) -> bool:
    return len(text.splitlines()) > 1


def line_diff(
    before: str | None, after: str | None, *, context: int = CONTEXT_LINES
) -> tuple[DiffLine, ...]:
    """Unified-diff hunks turning ``before`` into ``after``, with ``context`` lines around.

    ``None`` counts as empty text. Equal text gives no lines. Text that differs only in line
    endings or a final newline gives one ``\\`` remark saying so, so a change is never silent.
    """
    old_text, new_text = before or "", after or ""
    if old_text == new_text:
        return ()
    old, new = old_text.splitlines(), new_text.splitlines()
    if old == new:
        return (DiffLine("\\", "only line endings or the final newline differ"),)
    if max(len(old), len(new)) > MAX_DIFF_LINES or (
        max(len(old_text), len(new_text)) > MAX_DIFF_CHARS
    ):
        return (_summary(old, new),)
    out: list[DiffLine] = []
    if _match_pairs(old, new) > MAX_MATCH_PAIRS:
        return (_summary(old, new),)
    matcher = difflib.SequenceMatcher(None, old, new)
    for group in matcher.get_grouped_opcodes(context):
        out.append(DiffLine("@", _hunk_header(group)))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                out.extend(DiffLine(" ", line) for line in old[i1:i2])
                continue
            out.extend(DiffLine("-", line) for line in old[i1:i2])
            out.extend(DiffLine("+", line) for line in new[j1:j2])
    return tuple(out)


def _hunk_header(group: list[tuple[Any, int, int, int, int]]) -> str:
    first, last = group[0], group[-1]
    old = _range(first[1], last[2])
    new = _range(first[3], last[4])
    return f"@@ -{old} +{new} @@"


def _range(start: int, stop: int) -> str:
    """Unified-diff range: ``start,length`` 1-based; an empty range names the line before."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    if length == 0:
        return f"{start},0"
    return f"{start + 1},{length}"


def _match_pairs(old: list[str], new: list[str]) -> int:
    """The pairs of equal lines the matcher compares: lines it treats as junk aside (those in
    more than 1% of ``new``, from 200 lines on, as ``SequenceMatcher``'s ``autojunk``)."""
    new_counts = Counter(new)
    popular = len(new) // 100 + 1 if len(new) >= 200 else len(new) + 1
    old_counts = Counter(old)
    return sum(
        count * old_counts[line]
        for line, count in new_counts.items()
        if count <= popular and line in old_counts
    )


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _summary(old: list[str], new: list[str]) -> DiffLine:
    """How large text changed: line counts and lines added and removed (as multisets)."""
    old_counts, new_counts = Counter(old), Counter(new)
    added = sum((new_counts - old_counts).values())
    removed = sum((old_counts - new_counts).values())
    return DiffLine(
        "\\",
        f"too large for a line diff: {_plural(len(old), 'line')} before, {len(new):,} after; "
        f"{_plural(added, 'line')} added, {removed:,} removed",
    )


def append_line_diff(out: Text, field: FieldChange, indent: str) -> None:
    """Append ``field``'s path at ``indent``, then its line diff two spaces further in, each
    line coloured by its tag (for the terminal renderings)."""
    out.append(f"{indent}{printable(field.path)}:\n")
    for line in line_diff(field.before, field.after):
        out.append(f"{indent}  ")
        out.append(printable(str(line)), style=_STYLES[line.tag])
        out.append("\n")
