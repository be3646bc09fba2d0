"""Rows -> response bodies, exactly the fields ``openapi.json`` documents.

Everything that depends on who asks (``pinned_at``, ``is_connected``, schedules) is computed for
the caller. Batch functions load related rows with one query per table, so a page of 100 agents
costs a handful of queries.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from duvoform.emulator.store import Row, Store
from duvoform.emulator.web import Caller

__all__ = [
    "agents_out",
    "builds_out",
    "connection_out",
    "folder_list_out",
    "folder_out",
    "schedules_out",
]


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _users(store: Store, ids: set[str | None]) -> dict[str, Row]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    rows = store.all(f"SELECT * FROM users WHERE id IN ({store.marks(wanted)})", wanted)
    return {row["id"]: row for row in rows}


def _user_ref(users: dict[str, Row], user_id: str | None) -> dict[str, Any] | None:
    row = users.get(user_id or "")
    if row is None:
        return None
    return {"id": row["id"], "name": row["name"], "email": row["email"]}


def schedules_out(store: Store, rows: list[Row]) -> list[dict[str, Any]]:
    """Schedule bodies."""
    users = _users(store, {row["user_id"] for row in rows})
    out = []
    for row in rows:
        user = users.get(row["user_id"])
        body: dict[str, Any] = {
            "id": row["id"],
            "build_id": row["build_id"],
            "agent_id": row["agent_id"],
            "user_id": row["user_id"],
            "enabled": bool(row["enabled"]),
            "time": row["time"],
            "timezone": row["timezone"],
            "day": row["day"],
            "day_of_month": row["day_of_month"],
            "cron": row["cron"],
            "source": row["source"],
            "task": row["task"],
            "recurring": _bool(row["recurring"]),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "user_name": user["name"] if user else None,
            "user_email": user["email"] if user else None,
        }
        if row["frequency"] is not None:
            body["frequency"] = row["frequency"]
        out.append(body)
    return out


def _caller_schedules(store: Store, caller: Caller, build_ids: list[str]) -> dict[str, list[Row]]:
    if not build_ids:
        return {}
    rows = store.all(
        f"SELECT * FROM schedules WHERE user_id = ? AND build_id IN ({store.marks(build_ids)}) "
        "ORDER BY created_at, id",
        [caller.user_id, *build_ids],
    )
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row["build_id"]].append(row)
    return grouped


def builds_out(
    store: Store, caller: Caller, rows: list[Row], *, schedules: bool = True
) -> list[dict[str, Any]]:
    """Build bodies; ``schedules`` adds the caller's schedules made against each build."""
    by_build = _caller_schedules(store, caller, [r["id"] for r in rows]) if schedules else {}
    agents = {}
    agent_ids = list({row["agent_id"] for row in rows})
    if agent_ids:
        found = store.all(
            f"SELECT id, copilot_id FROM agents WHERE id IN ({store.marks(agent_ids)})", agent_ids
        )
        agents = {row["id"]: row["copilot_id"] for row in found}
    out = []
    for row in rows:
        body: dict[str, Any] = {
            "id": row["id"],
            "copilot_id": agents.get(row["agent_id"], row["agent_id"]),
            "agent_id": row["agent_id"],
            "name": row["name"],
            "revision_name": row["revision_name"],
            "revision_description": row["revision_description"],
            "config": json.loads(row["config"]),
            "status": row["status"],
            "revision_number": row["revision_number"],
            "parent_build_id": row["parent_build_id"],
            "created_by": row["created_by"],
            "created_by_name": row["created_by_name"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        if schedules:
            body["schedules"] = schedules_out(store, by_build.get(row["id"], []))
        out.append(body)
    return out


def _latest_builds(store: Store, agent_ids: list[str]) -> dict[str, Row]:
    rows = store.all(
        "SELECT b.* FROM builds b JOIN (SELECT agent_id, MAX(revision_number) AS rn FROM builds "
        f"WHERE agent_id IN ({store.marks(agent_ids)}) GROUP BY agent_id) m "
        "ON b.agent_id = m.agent_id AND b.revision_number = m.rn",
        agent_ids,
    )
    return {row["agent_id"]: row for row in rows}


def _integration_configs(
    store: Store, caller: Caller, build_ids: list[str]
) -> dict[str, list[dict[str, Any]]]:
    if not build_ids:
        return {}
    slots = store.all(
        f"SELECT * FROM slots WHERE build_id IN ({store.marks(build_ids)}) ORDER BY created_at, id",
        build_ids,
    )
    slot_ids = [slot["id"] for slot in slots]
    pinned: set[str] = set()
    if slot_ids:
        pins = store.all(
            f"SELECT DISTINCT slot_id FROM slot_pins WHERE user_id = ? "
            f"AND slot_id IN ({store.marks(slot_ids)})",
            [caller.user_id, *slot_ids],
        )
        pinned = {pin["slot_id"] for pin in pins}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for slot in slots:
        grouped[slot["build_id"]].append(
            {
                "id": slot["id"],
                "integration_id": slot["integration_id"] or slot["custom_integration_id"],
                "integration_type": slot["integration_type"],
                "integration_name": slot["integration_name"],
                "created_at": slot["created_at"],
                "icon_url": None,
                "is_connected": slot["id"] in pinned,
            }
        )
    return grouped


def agents_out(
    store: Store, caller: Caller, rows: list[Row], *, build_schedules: bool = True
) -> list[dict[str, Any]]:
    """Agent bodies with ``latest_build`` and the caller's ``integration_configs``."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    latest = _latest_builds(store, ids)
    latest_bodies = {
        body["agent_id"]: body
        for body in builds_out(store, caller, list(latest.values()), schedules=build_schedules)
    }
    configs = _integration_configs(store, caller, [b["id"] for b in latest.values()])
    pins = {
        row["agent_id"]: row["pinned_at"]
        for row in store.all(
            f"SELECT agent_id, pinned_at FROM agent_pins WHERE user_id = ? "
            f"AND agent_id IN ({store.marks(ids)})",
            [caller.user_id, *ids],
        )
    }
    users = _users(store, {r["created_by"] for r in rows} | {r["updated_by"] for r in rows})
    out = []
    for row in rows:
        build = latest.get(row["id"])
        out.append(
            {
                "id": row["id"],
                "name": row["name"],
                "slack_enabled": _bool(row["slack_enabled"]),
                "microsoft_teams_enabled": _bool(row["microsoft_teams_enabled"]),
                "agentic_memory_enabled": _bool(row["agentic_memory_enabled"]),
                "team_id": row["team_id"],
                "thread_id": row["thread_id"],
                "folder_id": row["folder_id"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
                "last_run_at": row["last_run_at"],
                "pinned_at": pins.get(row["id"]),
                "created_by": _user_ref(users, row["created_by"]),
                "updated_by": _user_ref(users, row["updated_by"]),
                "latest_build": latest_bodies.get(row["id"]),
                "integration_configs": configs.get(build["id"], []) if build else [],
                "user_triggers": {
                    "slack_mention": False,
                    "slack_channel": False,
                    "teams_mention": False,
                },
                "case_trigger_enabled": False,
                "case_trigger_has_conflict": False,
                "case_trigger_conflicting_agents": [],
                "case_queue_name": None,
            }
        )
    return out


def folder_out(row: Row) -> dict[str, Any]:
    """A folder body."""
    return {
        "id": row["id"],
        "name": row["name"],
        "team_id": row["team_id"],
        "parent_folder_id": row["parent_folder_id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def folder_list_out(store: Store, team_id: str) -> list[dict[str, Any]]:
    """Every folder of the team with direct ``agent_count`` and ``subfolder_count``."""
    rows = store.all(
        "SELECT f.*, "
        "(SELECT COUNT(*) FROM agents a WHERE a.folder_id = f.id) AS agent_count, "
        "(SELECT COUNT(*) FROM folders c WHERE c.parent_folder_id = f.id) AS subfolder_count "
        "FROM folders f WHERE f.team_id = ? ORDER BY f.created_at, f.id",
        (team_id,),
    )
    return [
        {
            **folder_out(row),
            "agent_count": row["agent_count"],
            "subfolder_count": row["subfolder_count"],
        }
        for row in rows
    ]


def connection_out(row: Row) -> dict[str, Any]:
    """A connection body (header values never appear; ``has_headers`` says if any are set)."""
    plain = json.loads(row["headers_plain"])
    secret = json.loads(row["headers_secret"])
    body: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "type": row["type"],
        "provider": row["provider"],
        "user_id": row["user_id"],
        "team_id": row["team_id"],
        "composio_mcp_id": row["composio_mcp_id"],
        "transport_type": row["transport_type"] or "http",
        "auth_method": row["auth_method"],
        "custom_integration_id": row["custom_integration_id"],
        "icon_url": row["icon_url"],
        "oauth_provider": row["oauth_provider"],
        "oauth_scopes": json.loads(row["oauth_scopes"]) if row["oauth_scopes"] else None,
        "has_headers": bool(plain or secret),
        "has_oauth_tokens": bool(row["has_oauth_tokens"]),
        "integration_id": row["integration_id"],
        "shared": bool(row["shared"]),
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    if row["server_url"] is not None:
        body["server_url"] = row["server_url"]
    return body
