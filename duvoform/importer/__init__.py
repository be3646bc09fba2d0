"""``import``: a live Duvo team -> clean manifest files (see ``core``)."""

from __future__ import annotations

from duvoform.importer.core import (
    KINDS,
    ImportOptions,
    ImportResult,
    ImportSource,
    plan_import,
    read_import_source,
    select_folders,
    write_import,
)

__all__ = [
    "KINDS",
    "ImportOptions",
    "ImportResult",
    "ImportSource",
    "plan_import",
    "read_import_source",
    "select_folders",
    "write_import",
]
