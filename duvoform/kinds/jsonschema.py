"""JSON Schemas for editors, generated from the models.

``json_schemas()`` returns one schema per kind, a combined schema that accepts any manifest
document (what yaml-language-server needs for multi-document files), and one for
``duvoform.yaml``. The committed copies live in ``schemas/``; a test regenerates them and
fails when they are stale.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from duvoform.kinds.registry import kinds

__all__ = ["COMBINED", "PROJECT", "SCHEMA_DIALECT", "json_schemas", "render_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMBINED = "duvoform.schema.json"
PROJECT = "duvoform-project.schema.json"


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for every kind, the combined manifest, and duvoform.yaml."""
    from duvoform.manifest.project import ProjectFile  # the project schema lives with the loader

    registered = dict(sorted(kinds().items()))
    schemas: dict[str, dict[str, Any]] = {}
    for kind, cls in registered.items():
        schema = cls.model_json_schema(by_alias=True, mode="validation")
        schemas[f"{kind.lower()}.schema.json"] = _decorate(
            schema, f"duvoform {kind} manifest", f"One duvoform/v1 {kind} document."
        )
    union: Any = Annotated[_union(registered.values()), Field(discriminator="kind")]
    combined = TypeAdapter(union).json_schema(by_alias=True, mode="validation")
    schemas[COMBINED] = _decorate(
        combined,
        "duvoform manifest",
        "Any duvoform/v1 manifest document (Folder, Assignment, Connection), chosen by kind.",
    )
    project = ProjectFile.model_json_schema(by_alias=True, mode="validation")
    schemas[PROJECT] = _decorate(
        project,
        "duvoform.yaml",
        "Project settings: vars, environments, defaults, prune, safety, policies, secrets, probe.",
    )
    return schemas


def render_schema(schema: dict[str, Any]) -> str:
    """The text written to a schema file (stable: sorted keys, two-space indent)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _union(classes: Any) -> Any:
    members = tuple(classes)
    union = members[0]
    for member in members[1:]:
        union = union | member
    return union


def _decorate(schema: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    return {"$schema": SCHEMA_DIALECT, **schema, "title": title, "description": description}
