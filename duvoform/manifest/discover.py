"""Finding manifest files and the manifest root.

Files: every ``*.yaml`` / ``*.yml`` under the given directories (recursively, skipping hidden
files and directories), plus files given by name, in a deterministic order: the order of the
arguments, and within a directory the sorted relative paths. ``duvoform.yaml`` (wherever it is) and
the var files it names are settings, not manifests, and are skipped.

Root: the manifest root is the directory holding ``duvoform.yaml``, searched from the common
directory of the given paths upwards, stopping at a git repository's top (a directory with
``.git``); without one, the root is that common directory. Files that manifests refer to must
stay inside the root, and so do the manifest files themselves: a ``*.yaml`` that is a symbolic
link leading out of the root, or that is not a regular file (a named pipe would block the read
forever), is reported as a problem instead of read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from duvoform.errors import Location, Problem
from duvoform.text import quote

__all__ = [
    "PROJECT_FILES",
    "YAML_SUFFIXES",
    "describe_paths",
    "discover_files",
    "display_path",
    "find_root",
]

PROJECT_FILES = ("duvoform.yaml", "duvoform.yml")
YAML_SUFFIXES = (".yaml", ".yml")


def display_path(path: Path) -> str:
    """How messages show ``path``: relative to the working directory when inside it."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


def find_root(paths: Sequence[Path]) -> tuple[Path, Path | None]:
    """The manifest root (absolute) and its ``duvoform.yaml`` (None when there is none)."""
    # Normalised (``a/b/..`` is ``a``), as referenced paths are, so that ``validate ..`` finds
    # the same root as the absolute path of that directory.
    dirs = [_normal(p) if p.is_dir() else _normal(p).parent for p in paths] or [Path.cwd()]
    common = Path(os.path.commonpath([str(d) for d in dirs]))
    current = common
    while True:
        for name in PROJECT_FILES:
            candidate = current / name
            if candidate.is_file():
                return current, candidate
        if (current / ".git").exists() or current.parent == current:
            return common, None
        current = current.parent


def _normal(path: Path) -> Path:
    return Path(os.path.normpath(path.absolute()))


def discover_files(
    paths: Sequence[Path], *, root: Path, exclude: Iterable[Path] = ()
) -> tuple[list[Path], list[Problem]]:
    """Manifest files under ``paths`` (absolute, deterministic order) and path problems.

    ``root`` is the manifest root; a file whose real location is outside it is a problem.
    """
    skip = {p.absolute() for p in exclude}
    real_root = Path(os.path.realpath(root))
    found: list[Path] = []
    seen: set[Path] = set()
    problems: list[Problem] = []
    for given in paths:
        path = given.absolute()
        if path.is_dir():
            candidates = _walk(path)
        elif path.exists() or path.is_symlink():
            if path.suffix.lower() not in YAML_SUFFIXES:
                problems.append(
                    Problem(
                        Location(display_path(given)),
                        ("not a YAML file: manifests end in .yaml or .yml",),
                    )
                )
                continue
            candidates = [path]
        else:
            problems.append(Problem(Location(display_path(given)), ("no such file or directory",)))
            continue
        for candidate in candidates:
            real = Path(os.path.realpath(candidate))
            if candidate in skip or real in skip or real in seen:
                continue  # a link to a file read already is not read twice
            seen.add(real)
            reason = _unreadable(real, real_root)
            if reason is not None:
                problems.append(Problem(Location(display_path(candidate)), (reason,)))
                continue
            found.append(candidate)
    return found, problems


def _walk(directory: Path) -> list[Path]:
    results: list[tuple[tuple[str, ...], Path]] = []
    for current, dirnames, filenames in os.walk(directory):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        base = Path(current)
        for filename in filenames:
            if filename.startswith(".") or not filename.lower().endswith(YAML_SUFFIXES):
                continue
            if filename in PROJECT_FILES:
                continue
            path = base / filename
            results.append((path.relative_to(directory).parts, path))
    results.sort(key=lambda item: item[0])
    return [path for _, path in results]


def _unreadable(real: Path, real_root: Path) -> str | None:
    """Why the file at ``real`` (links resolved) must not be read as a manifest, or None."""
    if not real.is_relative_to(real_root):
        return "a symbolic link leading outside the manifest root; it is not read"
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or 'unreadable'}"
    if not stat.S_ISREG(mode):
        return "not a regular file (a directory, pipe or device); it is not read"
    return None


def describe_paths(paths: Sequence[Path]) -> str:
    """The given paths, quoted and joined, for a message."""
    return ", ".join(quote(display_path(p)) for p in paths) or quote(".")
