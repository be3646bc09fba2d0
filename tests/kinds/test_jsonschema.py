from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from duvoform.kinds.jsonschema import COMBINED, PROJECT, json_schemas

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"


def documents() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        if path.name == "duvoform.yaml" or path.parent.name == "environments":
            continue
        found.extend(yaml.safe_load_all(path.read_text()))
    return found


def test_every_example_document_satisfies_the_combined_schema() -> None:
    validator = jsonschema.Draft202012Validator(json_schemas()[COMBINED])
    docs = documents()
    assert len(docs) == 23
    for doc in docs:
        validator.validate(doc)


def test_the_project_schema_accepts_the_example_settings() -> None:
    settings = yaml.safe_load((EXAMPLES / "duvoform.yaml").read_text())
    jsonschema.Draft202012Validator(json_schemas()[PROJECT]).validate(settings)


@pytest.mark.parametrize(
    "doc",
    [
        {"apiVersion": "duvoform/v1", "kind": "Folder", "metadata": {"name": "F"}, "spce": {}},
        {"apiVersion": "duvoform/v1", "kind": "Assignment", "metadata": {"name": "A"}, "spec": {}},
        {
            "apiVersion": "duvoform/v1",
            "kind": "Connection",
            "metadata": {"name": "C"},
            "spec": {
                "type": "custom_mcp",
                "server_url": "https://h",
                "headers": {"secret": {"A": "literal"}},
            },
        },
    ],
)
def test_the_combined_schema_rejects_what_validate_rejects(doc: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(json_schemas()[COMBINED])
    assert not validator.is_valid(doc)
