"""Fingerprints: a sha256 of exactly what the diff looked at in one live object.

Each kind's home says what that is (``KindHome.fingerprint_view``); in short:

A plan file keeps one per live object the plan read (``"<kind>/<live id>"``); ``apply FILE``
re-reads live state and refuses the plan when any differs. Only compared fields count, so a
job run (``last_run_at``, ``updated_at``) or a new schedule does not make a plan stale:

- Folder: ``name`` and the parent (``None`` for the root, or a parent not in the list).
- Assignment: ``name``, the three flags (``null`` as false), ``folder_id``, and its live build
  (``LiveState.live_build``): ``id``, ``name``, ``status``, the labels and the whole config
  (as the sha256 of its JSON).
- Connection: ``name``, ``type``, ``provider``, ``server_url``, ``auth_method``, ``shared``,
  ``has_headers``, and the credentials (header names; secret values are ``""``) when the plan
  read them.
- Assignment, when the plan read its live build's slots: the slots' integrations and the
  caller's pins on each.

Credentials and slots count only when they were read, so ``apply FILE`` re-reads live state
with the same ``LiveQuery`` (the plan file records which objects they were read for).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from duvoform.engine.live import LiveState
from duvoform.kinds.registry import home

__all__ = ["fingerprint", "fingerprint_key", "fingerprints"]


def fingerprint_key(kind: str, live_id: str) -> str:
    """``"<kind>/<live id>"``: how a plan file names a fingerprint."""
    return f"{kind}/{live_id}"


def fingerprint(kind: str, live_id: str, live: LiveState) -> str | None:
    """The fingerprint of one live object, or None when it does not exist."""
    view = _view(kind, live_id, live)
    if view is None:
        return None
    # The views are built in a fixed key order (header names sorted), so no sort is needed.
    text = json.dumps(view, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprints(read: Iterable[tuple[str, str]], live: LiveState) -> dict[str, str]:
    """``{"<kind>/<live id>": sha256}`` for every ``(kind, live id)`` that exists."""
    out: dict[str, str] = {}
    for kind, live_id in sorted(set(read)):
        value = fingerprint(kind, live_id, live)
        if value is not None:
            out[fingerprint_key(kind, live_id)] = value
    return out


def _view(kind: str, live_id: str, live: LiveState) -> dict[str, Any] | None:
    found = home(kind)
    return found.fingerprint_view(live, live_id) if found is not None else None
