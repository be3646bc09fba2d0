"""What every JSON rendering shares: stable bytes, and field values with secrets as
references."""

from __future__ import annotations

import json
from typing import Any

from duvoform.redact import REDACTED
from duvoform.render.jsondoc import json_document, redact_fields, sorted_keys


def test_keys_are_sorted_at_every_depth_and_the_document_ends_in_a_newline() -> None:
    value = {"b": [{"z": 1, "a": 2}], "a": ({"y": None, 1: "x"},)}
    assert list(sorted_keys(value)) == ["a", "b"]
    assert list(sorted_keys(value)["b"][0]) == ["a", "z"]
    assert list(sorted_keys(value)["a"][0]) == [1, "y"]  # mixed keys sort as strings
    text = json_document({"name": "Zürich\u0007"})
    assert text.endswith("}\n")
    assert "Zürich" in text
    assert "\u0007" not in text
    assert json.loads(text) == {"name": "Zürich\u0007"}


def test_redact_fields_hides_secret_values_under_both_keys() -> None:
    fields: list[dict[str, Any]] = [
        {"path": "headers.secret.Authorization", "live": "", "desired": {"env": "TOKEN"}},
        {"path": "build", "live": {"b": 1, "a": 2}, "desired": None},
    ]
    redact_fields(fields, ("live", "desired"))
    assert fields[0] == {
        "path": "headers.secret.Authorization",
        "live": REDACTED,
        "desired": {"env": "TOKEN"},
    }
    assert list(fields[1]["live"]) == ["a", "b"]
