"""Files that manifests refer to (SOP files, secret files): resolved safely, read as UTF-8.

A referenced path is relative to the manifest that names it and must stay inside the manifest
root, both as written (``..`` cannot climb out) and after following symbolic links (a link
cannot point out). Nothing outside the root is ever opened, and nothing hidden inside it
(``.git/config``, ``.env``: a component starting with ``.``), as written or linked to.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

from duvoform.kinds.reserved import hidden_part
from duvoform.text import quote

__all__ = ["FileFault", "read_utf8", "resolve_inside"]


class FileFault(Exception):
    """A referenced file cannot be used; ``reason`` is the user-facing explanation."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def resolve_inside(root: Path, base_dir: Path, relative: str) -> Path:
    """``base_dir / relative``, refused with ``FileFault`` if it leaves ``root``.

    ``root`` and ``base_dir`` must be absolute. Absolute ``relative`` paths are rejected by
    the models before this is called; this function rejects them too.
    """
    if os.path.isabs(relative):
        raise FileFault(f"{quote(relative)} is absolute; write a path relative to the manifest")
    root = Path(os.path.normpath(root))
    lexical = Path(os.path.normpath(base_dir / relative))
    real = Path(os.path.realpath(lexical))
    real_root = _real_root(root)
    if not lexical.is_relative_to(root) or not real.is_relative_to(real_root):
        raise FileFault(f"{quote(relative)} points outside the manifest root")
    hidden = (
        hidden_part(relative)
        or hidden_part(lexical.relative_to(root))
        or hidden_part(real.relative_to(real_root))
    )
    if hidden is not None:
        raise FileFault(
            f"{quote(relative)} passes a hidden directory or file ({quote(hidden)}); "
            "duvoform never reads them"
        )
    return lexical


@functools.lru_cache(maxsize=64)
def _real_root(root: Path) -> Path:
    # Resolved once per root, not once per referenced file: a team of 10,000 assignments
    # refers to 10,000 files under one root.
    return Path(os.path.realpath(root))


def read_utf8(path: Path, shown: str) -> str:
    """The text of ``path`` (UTF-8, a leading BOM dropped); ``shown`` names it in messages."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            # A named pipe or device would block the read or never end.
            raise FileFault(f"{quote(shown)} is not a regular file")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileFault(f"file {quote(shown)} does not exist") from None
    except IsADirectoryError:
        raise FileFault(f"{quote(shown)} is a directory, not a file") from None
    except OSError as exc:
        raise FileFault(f"cannot read {quote(shown)}: {exc.strerror or 'unreadable'}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FileFault(
            f"file {quote(shown)} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line})"
        ) from None
    return text.removeprefix("\ufeff")
