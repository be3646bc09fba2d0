"""What every JSON rendering shares: one document, stable bytes, secrets as references.

``json_document`` prints a document as the ``--format json`` outputs do (2-space indent,
non-ASCII kept, control characters escaped by ``json_text``, a trailing newline);
``sorted_keys`` orders every mapping inside a value, so the same data gives the same bytes
whatever order the API listed things in; ``redact_fields`` does both to the two values of each
field change (``before``/``after`` in a plan, ``live``/``desired`` in a drift report).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from duvoform.redact import redact
from duvoform.sanitise import json_text

__all__ = ["json_document", "redact_fields", "sorted_keys"]


def json_document(doc: Any) -> str:
    """``doc`` as one JSON document: 2-space indent, trailing newline."""
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def sorted_keys(value: Any) -> Any:
    """``value`` with every mapping's keys in sorted order (as strings, so mixed keys sort)."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [sorted_keys(item) for item in value]
    return value


def redact_fields(fields: Iterable[dict[str, Any]], keys: tuple[str, str]) -> None:
    """In each JSON field change of ``fields``, the values under ``keys`` redacted (secrets
    as references, by the field's ``path``) and their keys sorted, in place."""
    for field in fields:
        for key in keys:
            field[key] = sorted_keys(redact(field[key], field["path"]))
