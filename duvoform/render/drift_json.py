"""The ``drift --format json`` rendering: exactly one JSON document.

``{"format_version": 1, "drift": [{"address", "kind", "name", "cause", "fields": [{"path",
"live", "desired"}], "reasons", "live_id"}], "unmanaged": [{"address", "kind", "name",
"live_id"}], "summary": {...}, "warnings": [...]}``: keys in that order, keys inside values
sorted, secret header values replaced by their references as in every renderer. Fields are only
ever added; ``format_version`` changes if that promise breaks.
"""

from __future__ import annotations

import json
from typing import Any

from duvoform.engine.drift import DriftReport
from duvoform.redact import redact
from duvoform.sanitise import json_text

__all__ = ["render_drift_json"]


def render_drift_json(report: DriftReport) -> str:
    """The report as one JSON document, 2-space indent, stable key order, trailing newline."""
    doc: dict[str, Any] = report.to_json()
    for entry in doc["drift"]:
        for field in entry["fields"]:
            field["live"] = _sorted(redact(field["live"], field["path"]))
            field["desired"] = _sorted(redact(field["desired"], field["path"]))
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def _sorted(value: Any) -> Any:
    """``value`` with every mapping's keys sorted, so the same report gives the same bytes."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_sorted(item) for item in value]
    return value
