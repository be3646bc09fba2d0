"""The one sanitiser between outside text and every place duvoform writes.

Outside text (live names, API messages, manifest strings, URLs) can carry terminal escape
sequences, carriage returns, bidirectional overrides, or a line that a CI runner reads as a
command. Two layers keep it inert:

* at the point it is formatted, ``printable`` shows control characters as escapes (``\\x1b``,
  ``\\n``, ``\\u202e``) and neutralises CI log commands, so one value stays one readable line;
  ``json_text`` does the same inside a JSON document, which stays valid JSON that decodes to
  the original value;
* at the sink, ``GuardedStream`` wraps the CLI's stdout and stderr: no line it passes on begins
  with a CI log command, and control characters duvoform never writes itself are escaped.

CI log commands: GitHub's ``::name ...::`` (the runner strips leading whitespace first), Azure's
``##[...`` and ``##vso[...`` (the agent finds ``##vso[`` anywhere in a line), and GitLab's
``section_start:`` / ``section_end:`` markers. A command is neutralised by writing its first
character as a ``\\u00XX`` escape, which is also a valid JSON escape.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

__all__ = [
    "GuardedStream",
    "SafeLogFormatter",
    "escape",
    "guarded_output",
    "json_text",
    "neutralise",
    "printable",
]

# C0 and C1 control characters (tab aside), DEL, the line and paragraph separators, and the
# marks and overrides that make text read in another order than it is stored.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# What a CI runner reads as a command at the start of a line (after whitespace, which
# GitHub's runner strips), and Azure's command prefix, which counts anywhere in a line.
_MARKERS = ("::", "##[", "##vso[", "section_start:", "section_end:")
_AT_START = re.compile(r"^(\s*)(::|##\[|##vso\[|section_start:|section_end:)")
_ANYWHERE = "##vso["
_ANYWHERE_SAFE = "\\u0023#vso["

# At the sink: controls that duvoform's own output never holds. Tab, line feed, carriage
# return and ESC stay, because colours and the progress bar are made of them.
_SINK_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)
# In a JSON document: what ``json.dumps(..., ensure_ascii=False)`` leaves raw.
_JSON_RAW = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def _escape_char(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _escape(match: re.Match[str]) -> str:
    return _escape_char(match.group())


def _u_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _neutralise_start(match: re.Match[str]) -> str:
    space, marker = match.groups()
    return f"{space}\\u{ord(marker[0]):04x}{marker[1:]}"


def neutralise(line: str, *, at_start: bool = True) -> str:
    """``line`` with any CI log command made inert: one at its start (``at_start``), and
    Azure's ``##vso[`` anywhere."""
    if _ANYWHERE in line:
        line = line.replace(_ANYWHERE, _ANYWHERE_SAFE)
    return _AT_START.sub(_neutralise_start, line, count=1) if at_start else line


def escape(text: str, *, tabs: bool = True, strict: bool = False) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\n``, ``\\u202e``), tabs
    kept unless ``tabs`` is False; ``strict`` escapes every character Python does not call
    printable (no-break and zero-width spaces, unassigned code points too). CI log commands
    are left as they are: ``printable`` handles both."""
    if strict:
        return "".join(char if char.isprintable() else _escape_char(char) for char in text)
    return (_CONTROL if tabs else _TABS_TOO).sub(_escape, text)


def printable(text: str, *, tabs: bool = True, strict: bool = False) -> str:
    """``text`` as one inert line: ``escape`` then ``neutralise``."""
    return neutralise(escape(text, tabs=tabs, strict=strict))


_TABS_TOO = re.compile(_CONTROL.pattern.replace(r"\x00-\x08\x0a", r"\x00-\x0a"))


def json_text(dumped: str) -> str:
    """A JSON document from ``json.dumps(..., ensure_ascii=False)`` with the characters it
    leaves raw (DEL, C1, separators, bidirectional marks) and ``##vso[`` written as ``\\uXXXX``
    escapes: still valid JSON, decoding to the same value."""
    if _ANYWHERE in dumped:
        dumped = dumped.replace(_ANYWHERE, _ANYWHERE_SAFE)
    return _JSON_RAW.sub(_u_escape, dumped)


class SafeLogFormatter(logging.Formatter):
    """A log formatter that shows a record's message through ``printable``."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = printable(record.message)
        return super().formatMessage(record)


_BREAK = re.compile(r"([\r\n])")


class GuardedStream(io.TextIOBase):
    """A text stream that passes writes on to ``target`` a line at a time, so that no line
    begins with a CI log command and no stray control character gets through.

    A partial line is passed on at ``flush`` (prompts and progress need it), except while it
    is only whitespace, which a following ``::`` could still turn into a command; a partial
    line that could still grow into a command is neutralised then.
    """

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self.target = target
        self._line = ""  # the current line's text not yet passed on
        self._started = False  # part of the current line was already passed on
        self._released = False

    # -- the stream protocol click and rich use ----------------------------------------------
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.target, "errors", None)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._released:
            return len(text)
        parts = _BREAK.split(self._line + text)
        out: list[str] = []
        for index in range(0, len(parts) - 1, 2):
            out.append(self._finish(parts[index]) + parts[index + 1])
            self._started = False
        self._line = parts[-1]
        if out:
            self.target.write("".join(out))
        return len(text)

    def flush(self) -> None:
        if self._released:
            return
        line = self._line
        if line and not line.isspace():
            stripped = line.lstrip()
            if not self._started and any(marker.startswith(stripped) for marker in _MARKERS):
                space = line[: len(line) - len(stripped)]
                line = f"{space}\\u{ord(stripped[0]):04x}{stripped[1:]}"
            self.target.write(self._finish(line))
            self._line = ""
            self._started = True
        self.target.flush()

    def release(self) -> None:
        """Pass on what is held (even a whitespace-only partial line) and stop: later writes
        go nowhere, and closing this stream never touches ``target``."""
        if self._released:
            return
        self.flush()
        if self._line:
            self.target.write(self._line)
            self.target.flush()
        self._line = ""
        self._released = True

    def _finish(self, line: str) -> str:
        return neutralise(_SINK_CONTROL.sub(_u_escape, line), at_start=not self._started)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # no way around the guard: click looks for a binary buffer
            raise AttributeError(name)
        return getattr(self.target, name)


@contextmanager
def guarded_output() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through a ``GuardedStream`` for the block (the
    CLI's one output path: click, the rich consoles and logging all write to them)."""
    if isinstance(sys.stdout, GuardedStream):
        yield
        return
    saved = sys.stdout, sys.stderr
    out, err = GuardedStream(sys.stdout), GuardedStream(sys.stderr)
    sys.stdout, sys.stderr = cast(TextIO, out), cast(TextIO, err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        out.release()
        err.release()
