"""Manifest addresses for shell completion (``--target``, ``show ADDRESS``), read offline.

Completion must be quick and must never fail: the manifests are loaded as ``validate`` loads
them (so folder addresses are their paths); when they do not load (a template needs a var, a
reference is broken), every ``Kind/name`` the files spell out is offered instead. Nothing is
read when there is no manifest root (no ``duvoform.yaml`` from the current directory up).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from duvoform.engine.graph import DesiredState
from duvoform.errors import DuvoformError
from duvoform.manifest import load_manifests
from duvoform.manifest.discover import discover_files, find_root
from duvoform.manifest.parse import decode, parse_documents

__all__ = ["manifest_addresses"]


def manifest_addresses(paths: Sequence[Path] = ()) -> list[str]:
    """Sorted ``Kind/identity`` of every resource in the manifests under ``paths`` (no
    ``paths``: the manifest root of the current directory; none: an empty list)."""
    if not paths:
        root, project_file = find_root([Path.cwd()])
        if project_file is None:
            return []
        paths = [root]
    try:
        state = DesiredState.build(load_manifests(paths))
    except DuvoformError:
        return _spelled_out(paths)
    return sorted({state.address(resource) for resource in state.manifests.resources})


def _spelled_out(paths: Sequence[Path]) -> list[str]:
    found: set[str] = set()
    try:
        root, _ = find_root(paths)
        files, _ = discover_files(paths, root=root)
        for path in files:
            text = decode(path.read_bytes(), str(path))
            if isinstance(text, str):
                for document in parse_documents(text, str(path)).documents:
                    found.update(_address(document.data))
    except OSError:
        pass
    return sorted(found)


def _address(data: object) -> list[str]:
    if not isinstance(data, dict):
        return []
    kind, metadata = data.get("kind"), data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if isinstance(kind, str) and isinstance(name, str):
        return [f"{kind}/{name}"]
    return []
