"""Files that manifests refer to (SOP files, secret files): resolved safely, read as UTF-8.

A referenced path is relative to the manifest that names it and must stay inside the manifest
root, both as written (``..`` cannot climb out) and after following symbolic links (a link
cannot point out). Nothing outside the root is ever opened, and nothing hidden inside it
(``.git/config``, ``.env``: a component starting with ``.``), as written or linked to.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from duvoform.kinds.reserved import hidden_part
from duvoform.text import quote

__all__ = ["FileFault", "FileResolver", "read_utf8", "resolve_inside"]


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
    return FileResolver(root).resolve(base_dir, relative)


class FileResolver:
    """``resolve_inside`` for the many files of one load, all under one ``root``.

    Following links is what costs: the real path of ``a/b/c/file.md`` takes a ``lstat`` of
    each component. Here the real path of each directory is worked out once (a load of 10,000
    SOP files in one directory resolves that directory once), and a file's own name takes one
    ``lstat``: a name that is a link is resolved in full, as before. Make one per load, so
    that a link changed between two loads is seen.
    """

    def __init__(self, root: Path) -> None:
        self.root = os.path.normpath(root)
        self.real_root = os.path.realpath(self.root)
        self._real_dirs: dict[str, str] = {}

    def resolve(self, base_dir: Path, relative: str) -> Path:
        """``base_dir / relative`` (see ``resolve_inside``)."""
        if os.path.isabs(relative):
            raise FileFault(f"{quote(relative)} is absolute; write a path relative to the manifest")
        lexical = os.path.normpath(os.path.join(base_dir, relative))
        real = self._real(lexical)
        if not _inside(lexical, self.root) or not _inside(real, self.real_root):
            raise FileFault(f"{quote(relative)} points outside the manifest root")
        hidden = (
            hidden_part(relative)
            or hidden_part(lexical[len(self.root) :])
            or hidden_part(real[len(self.real_root) :])
        )
        if hidden is not None:
            raise FileFault(
                f"{quote(relative)} passes a hidden directory or file ({quote(hidden)}); "
                "duvoform never reads them"
            )
        return Path(lexical)

    def _real(self, lexical: str) -> str:
        """``os.path.realpath(lexical)``, with each directory's real path looked up once."""
        directory, name = os.path.split(lexical)
        real_dir = self._real_dirs.get(directory)
        if real_dir is None:
            real_dir = self._real_dirs[directory] = os.path.realpath(directory)
        real = os.path.join(real_dir, name)
        return os.path.realpath(lexical) if os.path.islink(real) else real


def _inside(path: str, root: str) -> bool:
    """``Path(path).is_relative_to(root)`` for normalised absolute paths (compared exactly:
    where file names ignore case, a path that differs only in case is taken to be outside)."""
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


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
