"""What the markdown renderings share (the plan comment and the drift issue): escaping, inline
code, and a field's line diff as a fenced block.

Every name and value is escaped as HTML character references (``<`` becomes ``&#60;``, ``|``
becomes ``&#124;``, ``@`` becomes ``&#64;``, ``&`` becomes ``&amp;``), which render as the
character itself in markdown and in inline HTML (markdown inside ``<code>`` is still parsed) and
are never read as a tag, emphasis, a table column, a mention, an issue link or math. A fence is
longer than any run of backticks in what it holds, so no line can close it early.
"""

from __future__ import annotations

import re

from duvoform.engine.plan import FieldChange
from duvoform.render.textdiff import line_diff
from duvoform.render.values import printable

__all__ = ["code", "escape", "fenced_diff"]

_ESCAPED = "<>`*_[]|\\~#@$"
_ESCAPES = str.maketrans({char: f"&#{ord(char)};" for char in _ESCAPED} | {"&": "&amp;"})
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """``text`` safe to place anywhere in markdown or inline HTML, control characters shown."""
    return printable(text).translate(_ESCAPES)


def code(text: str) -> str:
    """``text`` escaped, as inline code."""
    return f"<code>{escape(text)}</code>"


def fenced_diff(field: FieldChange, label: str, *, diffs: bool, max_lines: int, where: str) -> str:
    """``label``, then the line diff of ``field`` in a ```` ```diff ```` block of at most
    ``max_lines`` lines; without ``diffs``, one line saying it is left out, as too long for
    ``where`` (the comment, the issue)."""
    lines = [str(line) for line in line_diff(field.before, field.after)]
    if not diffs:
        return f"{label} left out: {len(lines):,} lines, too long for this {where}."
    shown = lines[:max_lines]
    if len(lines) > max_lines:
        shown.append(f"... {len(lines) - max_lines:,} more lines not shown here")
    content = "\n".join(printable(line) for line in shown)
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{label}:\n\n{fence}diff\n{content}\n{fence}"
