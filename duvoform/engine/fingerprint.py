"""Fingerprints: a sha256 of exactly what the diff looked at in one live object.

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
    if kind == "Folder":
        folder = live.folders.get(live_id)
        if folder is None:
            return None
        parent = folder.parent_folder_id
        return {
            "name": folder.name,
            "parent": parent if live.folders.get(parent) is not None else None,
        }
    if kind == "Assignment":
        agent = live.agent(live_id)
        if agent is None:
            return None
        build = live.live_build(live_id)
        wiring = None if build is None else _wiring(live, live_id, build.id)
        view: dict[str, Any] = {
            "name": agent.name,
            "slack_enabled": bool(agent.slack_enabled),
            "microsoft_teams_enabled": bool(agent.microsoft_teams_enabled),
            "agentic_memory_enabled": bool(agent.agentic_memory_enabled),
            "folder_id": agent.folder_id,
            "build": None
            if build is None
            else {
                "id": build.id,
                "name": build.name,
                "status": build.status,
                "revision_name": build.revision_name,
                "revision_description": build.revision_description,
                # The config's own JSON (pydantic's serializer: field order, then the order
                # the API sent) is hashed rather than nested: a plan file reads thousands of
                # builds. The API answers from stored JSON, so the order holds between reads;
                # were it to change, the plan would be refused as stale, never applied wrongly.
                "config": None
                if build.config is None
                else hashlib.sha256(
                    build.config.model_dump_json(by_alias=True, exclude_none=True).encode()
                ).hexdigest(),
            },
        }
        if wiring is not None:
            view["wiring"] = wiring
        return view
    if kind == "Connection":
        conn = live.connection(live_id)
        if conn is None:
            return None
        return {
            "name": conn.name,
            "type": conn.type,
            "provider": conn.provider,
            "server_url": conn.server_url,
            "auth_method": conn.auth_method,
            "shared": bool(conn.shared),
            "has_headers": conn.has_headers,
            **(
                {"headers": dict(sorted(live.credentials[live_id].headers.items()))}
                if live_id in live.credentials
                else {}
            ),
        }
    return None


def _wiring(live: LiveState, agent_id: str, build_id: str) -> list[Any] | None:
    """The slots (integrations) and the caller's pins of a build, if they were read."""
    slots = live.slots.get((agent_id, build_id))
    if slots is None:
        return None
    return sorted(
        [
            slot.integration_id or "",
            slot.custom_integration_id or "",
            sorted(pin.connection_id for pin in live.pins.get((agent_id, build_id, slot.id), ())),
        ]
        for slot in slots
    )
