"""Manifests: YAML files in, validated and typed resources out.

``load_manifests(paths, vars=..., var_files=..., env=...) -> Manifests`` is the one entry
point: it finds the manifest root and ``duvoform.yaml``, reads every ``*.yaml``/``*.yml``
file, renders templates, validates each document into its kind's model, reads SOP files, and
raises ``ManifestError`` with every problem at once. ``resolve_secret`` reads a secret value
from its reference, at apply time only.
"""

from __future__ import annotations

from duvoform.manifest.load import Manifests, load_manifests, manifest_digest
from duvoform.manifest.project import ProjectSettings, PruneScope, Safety
from duvoform.manifest.secret_values import resolve_secret

__all__ = [
    "Manifests",
    "ProjectSettings",
    "PruneScope",
    "Safety",
    "load_manifests",
    "manifest_digest",
    "resolve_secret",
]
