"""The ``plan --format json`` rendering: exactly one JSON document (DESIGN §7).

The document is ``Plan.to_json()``: contract keys in contract order (``format_version``,
``summary``, ``changes``, ``warnings``, ``notes``), then any additive keys sorted by name. Keys
inside field values are sorted too, so the same plan always gives the same bytes whatever order
the API listed things in. Secret header values are replaced as in every renderer (only
references such as ``{"env": "TOKEN"}`` are shown).

Print the result as it is (for example ``click.echo(text, nl=False)``), not through rich markup.
"""

from __future__ import annotations

from typing import Any

from duvoform.engine.plan import Plan
from duvoform.redact import redact
from duvoform.render.jsondoc import json_document, redact_fields, sorted_keys

__all__ = ["CONTRACT_KEYS", "plan_document", "render_plan"]

CONTRACT_KEYS: tuple[str, ...] = ("format_version", "summary", "changes", "warnings", "notes")


def render_plan(plan: Plan) -> str:
    """The plan as one JSON document, 2-space indent, stable key order, trailing newline."""
    return json_document(plan_document(plan))


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan's JSON value (contract keys first, secrets as references, keys sorted), as
    ``plan --format json`` prints it and ``show --format json`` embeds it."""
    doc = plan.to_json()
    ordered: dict[str, Any] = {key: doc[key] for key in CONTRACT_KEYS if key in doc}
    for key in sorted(set(doc) - set(ordered)):
        ordered[key] = sorted_keys(redact(doc[key], (key,)))
    for change in ordered.get("changes", []):
        redact_fields(change["fields"], ("before", "after"))
    return ordered
