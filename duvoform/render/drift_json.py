"""The ``drift --format json`` rendering: exactly one JSON document.

``{"format_version": 1, "drift": [{"address", "kind", "name", "cause", "fields": [{"path",
"live", "desired"}], "reasons", "live_id"}], "unmanaged": [{"address", "kind", "name",
"live_id"}], "summary": {...}, "warnings": [...]}``: keys in that order, keys inside values
sorted, secret header values replaced by their references as in every renderer. Fields are only
ever added; ``format_version`` changes if that promise breaks.
"""

from __future__ import annotations

from typing import Any

from duvoform.engine.drift import DriftReport
from duvoform.render.jsondoc import json_document, redact_fields

__all__ = ["render_drift_json"]


def render_drift_json(report: DriftReport) -> str:
    """The report as one JSON document, 2-space indent, stable key order, trailing newline."""
    doc: dict[str, Any] = report.to_json()
    for entry in doc["drift"]:
        redact_fields(entry["fields"], ("live", "desired"))
    return json_document(doc)
