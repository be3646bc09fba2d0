"""Live Duvo objects -> manifest documents and files: the mapping ``import`` and ``show`` share.

- ``mapping``: folders and assignments (with their live build) -> ``Document``;
- ``connections``: connections -> ``Document`` plus the ``SecretVariable`` each secret header
  needs (and the documented guess of which OAuth flow a connection came from);
- ``wiring``: the caller's connections pinned to a build's integration slots, inferred where
  certain and read where not;
- ``names``: file names and environment variable names safe for any display name;
- ``layout``: which document goes in which file, SOPs moved to ``sops/*.md``;
- ``yamlout``: documents -> YAML text (ruamel.yaml round-trip, block scalars, comments).

Nothing here prints or writes files; ``duvoform.importer`` writes.
"""

from __future__ import annotations

from duvoform.export.connections import SecretVariable, connection_document, flavour
from duvoform.export.document import Document, Skipped, check
from duvoform.export.layout import OutputFile, layout, sop_to_file
from duvoform.export.mapping import (
    assignment_document,
    folder_document,
    folder_ref,
    schedule_comments,
)
from duvoform.export.names import UniqueNames, env_var_name, file_stem
from duvoform.export.wiring import SlotView, WiredSlot, read_wiring, slots_from_configs
from duvoform.export.yamlout import render_documents

__all__ = [
    "Document",
    "OutputFile",
    "SecretVariable",
    "Skipped",
    "SlotView",
    "UniqueNames",
    "WiredSlot",
    "assignment_document",
    "check",
    "connection_document",
    "env_var_name",
    "file_stem",
    "flavour",
    "folder_document",
    "folder_ref",
    "layout",
    "read_wiring",
    "render_documents",
    "schedule_comments",
    "slots_from_configs",
    "sop_to_file",
]
