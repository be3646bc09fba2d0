"""``import`` as one library call: read the live team, map it to manifests, write them.

``import_team`` runs ``read_import_source``, ``plan_import`` and ``write_import``, writes the
manifest root's ``duvoform.yaml`` when there is none (``write_project_file``), and, when every
assignment was read (no ``--kind`` without assignments, no ``--folder``), replaces the local name
index with the live names, since the import listed them all anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from duvoform.api.client import DuvoClient
from duvoform.importer.core import (
    ImportOptions,
    ImportResult,
    plan_import,
    read_import_source,
    write_import,
)
from duvoform.importer.project import write_project_file
from duvoform.kinds import Assignment
from duvoform.lookup.index import NameIndex

__all__ = ["Imported", "import_team"]


@dataclass(frozen=True)
class Imported:
    """What an import wrote: the mapped team, its files, and the project file (None when one
    was there already)."""

    result: ImportResult
    written: list[Path]
    project: Path | None


async def import_team(
    client: DuvoClient,
    options: ImportOptions,
    out: Path,
    *,
    force: bool = False,
    state_dir: Path,
    api_url: str,
) -> Imported:
    """Import the live team into ``out`` (see the module docstring); ``force`` overwrites
    files that exist. The name index is the one of ``api_url`` in ``state_dir``."""
    source = await read_import_source(client, options)
    result = plan_import(source, options)
    written = write_import(result, out, force=force)
    project = write_project_file(out)
    if options.wants(Assignment.KIND) and not options.folders:
        index = NameIndex.load(state_dir, api_url)
        index.replace(source.live.agents)
        index.save()
    return Imported(result, written, project)
