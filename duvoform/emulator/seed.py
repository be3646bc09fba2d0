"""Bulk state for ``POST /_emulator/seed`` (and ``duvoform emulator --seed FILE``).

Format (JSON; every ``id`` optional, so golden tests can fix them)::

    {"team": "local",
     "connections": [{"id", "name", "type": "custom_mcp", "provider": "user", "server_url",
                      "auth_method", "shared", "headers": {"plaintext": {}, "secret": {}},
                      "custom_integration_id", "owner": "<api key>", ...}],
     "folders": [{"id", "name", "parent": "<folder id or name path like Finance/AP>"}],
     "agents": [{"id", "name", "folder": "<id or name path>" | "folder_id", "slack_enabled",
                 "microsoft_teams_enabled", "agentic_memory_enabled", "thread_id", "pinned",
                 "owner", "builds": [{"id", "name", "config": {v2 or legacy v1}, "status",
                                      "revision_name", "revision_description",
                                      "handover_target_ids",
                                      "integrations": ["gmail" | {"integration": "<slug, id or
                                                       connection name>", "pins": ["<conn>"]}]}]}],
     "schedules": [{"id", "agent": "<id or name>", "build_id", "owner", "enabled", "frequency",
                    "time", "timezone", "day", "day_of_month", "cron", "recurring", ...}]}

Connections come first, then folders (a parent before its children), agents with their builds
(the last build is live unless a ``status`` says otherwise), slots and pins, then schedules.
``owner`` names one of the configured keys of the team; by default the team's first key is the
owner. Everything is inserted in one transaction, in bulk. The answer lists the ids made.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pydantic import ValidationError

from duvoform.emulator.catalog import by_id, by_slug
from duvoform.emulator.runtime import Runtime
from duvoform.emulator.seed_format import (
    Seed,
    SeedAgent,
    SeedSchedule,
    SeedSlot,
    seed_config,
    seed_error,
)
from duvoform.emulator.store import Row, Store
from duvoform.emulator.web import ApiProblem, Caller, validation_message

__all__ = ["Seed", "apply_seed"]


class _Seeder:
    def __init__(self, runtime: Runtime, store: Store, team_id: str) -> None:
        self.rt, self.db, self.team_id = runtime, store, team_id
        self.rows: dict[str, list[Row]] = {}
        self.folder_paths: dict[str, str] = {}
        self.folder_ids: dict[str, str] = {}
        self.agent_names: dict[str, str] = {}
        self.agent_ids: set[str] = set()
        self.live_builds: dict[str, str] = {}
        self.connections: dict[str, Row] = {}
        for row in store.all(
            "SELECT * FROM connections WHERE team_id = ? ORDER BY created_at", (team_id,)
        ):
            self.remember_connection(row)
        folders = store.all(
            "SELECT id, name, parent_folder_id FROM folders WHERE team_id = ? ORDER BY created_at",
            (team_id,),
        )
        for folder in folders:
            self.remember_folder(folder["id"], folder["name"], folder["parent_folder_id"])
        for agent in store.all("SELECT id, name FROM agents WHERE team_id = ?", (team_id,)):
            self.agent_ids.add(agent["id"])
            self.agent_names.setdefault(agent["name"], agent["id"])

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)

    def owner(self, key: str | None, where: str) -> Caller:
        try:
            return self.rt.key_caller(key, self.team_id)
        except KeyError:
            raise seed_error(f"{where}.owner", "not a key of this team") from None

    def remember_folder(self, folder_id: str, name: str, parent: str | None) -> None:
        prefix = self.folder_ids.get(parent or "")
        path = f"{prefix}/{name}" if prefix else name
        self.folder_paths.setdefault(path, folder_id)
        self.folder_ids[folder_id] = path

    def remember_connection(self, row: Row) -> None:
        self.connections[row["id"]] = row
        self.connections.setdefault(f"name:{row['name']}", row)

    def folder(self, ref: str | None, where: str) -> str | None:
        if ref is None:
            return None
        if ref in self.folder_ids:
            return ref
        found = self.folder_paths.get(ref.strip("/"))
        if found is None:
            raise seed_error(where, f"no folder {ref!r} (list parents before children)")
        return found

    def connection(self, ref: str, where: str) -> Row:
        row = self.connections.get(ref) or self.connections.get(f"name:{ref}")
        if row is None:
            raise seed_error(where, f"no connection {ref!r}")
        return row

    def slot(self, ref: str, where: str) -> Row:
        entry = by_slug(ref) or by_id(ref)
        if entry is not None:
            return {
                "integration_id": entry.id,
                "custom_integration_id": None,
                "integration_type": entry.slug,
                "integration_name": entry.name,
            }
        for row in self.connections.values():
            if ref in (row["custom_integration_id"], row["name"], row["id"]):
                if not row["custom_integration_id"]:
                    break
                return {
                    "integration_id": None,
                    "custom_integration_id": row["custom_integration_id"],
                    "integration_type": row["type"],
                    "integration_name": row["name"],
                }
        raise seed_error(where, f"no integration {ref!r}")


def _catalog_id(integration_type: str) -> str | None:
    entry = by_slug(integration_type)
    return entry.id if entry is not None and integration_type != "custom_mcp" else None


def apply_seed(runtime: Runtime, data: Any) -> dict[str, Any]:
    """Insert everything ``data`` describes; returns the ids made, in input order."""
    if not isinstance(data, dict):
        raise seed_error("body", "must be a JSON object")
    try:
        seed = Seed.model_validate(data)
    except ValidationError as exc:
        raise ApiProblem(400, "invalid_seed", validation_message(exc, data)) from None
    team_id = runtime.ensure_team(seed.team)
    try:
        with runtime.store.tx() as db:
            return _seed(runtime, db, team_id, seed)
    except sqlite3.IntegrityError as exc:
        raise ApiProblem(409, "conflict", f"an id in the seed already exists ({exc})") from None


def _seed(runtime: Runtime, db: Store, team_id: str, seed: Seed) -> dict[str, Any]:
    s = _Seeder(runtime, db, team_id)
    out: dict[str, Any] = {"team_id": team_id, "connections": [], "folders": [], "agents": []}
    for i, c in enumerate(seed.connections):
        owner = s.owner(c.owner, f"connections[{i}]")
        now = db.ids.now()
        row: Row = {
            "id": c.id or db.ids.new_id(),
            "team_id": team_id,
            "user_id": owner.user_id,
            "name": c.name,
            "type": c.type,
            "provider": c.provider,
            "server_url": c.server_url,
            "transport_type": c.transport_type,
            "auth_method": c.auth_method,
            "custom_integration_id": c.custom_integration_id
            or (db.ids.new_id() if c.type == "custom_mcp" else None),
            "integration_id": c.integration_id or _catalog_id(c.type),
            "icon_url": None,
            "oauth_provider": c.oauth_provider,
            "oauth_scopes": json.dumps(c.oauth_scopes) if c.oauth_scopes is not None else None,
            "has_oauth_tokens": int(c.has_oauth_tokens),
            "shared": int(c.shared),
            "created_by": owner.user_id,
            "composio_mcp_id": c.composio_mcp_id,
            "headers_plain": json.dumps(c.headers.plaintext),
            "headers_secret": json.dumps(
                {k: db.seal_secret(v) for k, v in c.headers.secret.items()}
            ),
            "created_at": now,
            "updated_at": now,
        }
        s.add("connections", row)
        s.remember_connection(row)
        out["connections"].append(row["id"])
    for i, f in enumerate(seed.folders):
        now = db.ids.now()
        parent = s.folder(f.parent, f"folders[{i}].parent")
        folder_id = f.id or db.ids.new_id()
        s.add(
            "folders",
            {
                "id": folder_id,
                "team_id": team_id,
                "name": f.name,
                "parent_folder_id": parent,
                "created_at": now,
                "updated_at": now,
            },
        )
        s.remember_folder(folder_id, f.name, parent)
        out["folders"].append(folder_id)
    for i, a in enumerate(seed.agents):
        out["agents"].append(_seed_agent(s, db, team_id, a, f"agents[{i}]"))
    for table in ("connections", "folders", "agents", "agent_pins", "builds", "slots"):
        db.insert_many(table, s.rows.get(table, []))
    db.insert_many("slot_pins", s.rows.get("slot_pins", []))
    out["schedules"] = [
        _seed_schedule(s, db, item, f"schedules[{i}]") for i, item in enumerate(seed.schedules)
    ]
    db.insert_many("schedules", s.rows.get("schedules", []))
    return out


def _seed_agent(s: _Seeder, db: Store, team_id: str, a: SeedAgent, where: str) -> dict[str, Any]:
    owner = s.owner(a.owner, where)
    folder = a.folder_id if a.folder_id is not None else a.folder
    folder_id = s.folder(folder, f"{where}.folder")
    now = db.ids.now()
    agent_id = a.id or db.ids.new_id()
    s.add(
        "agents",
        {
            "id": agent_id,
            "team_id": team_id,
            "name": a.name,
            "slack_enabled": None if a.slack_enabled is None else int(a.slack_enabled),
            "microsoft_teams_enabled": None
            if a.microsoft_teams_enabled is None
            else int(a.microsoft_teams_enabled),
            "agentic_memory_enabled": None
            if a.agentic_memory_enabled is None
            else int(a.agentic_memory_enabled),
            "thread_id": a.thread_id,
            "folder_id": folder_id,
            "copilot_id": db.ids.new_id(),
            "created_at": now,
            "updated_at": now,
            "last_run_at": None,
            "created_by": owner.user_id,
            "updated_by": owner.user_id,
        },
    )
    s.agent_ids.add(agent_id)
    s.agent_names.setdefault(a.name, agent_id)
    if a.pinned:
        s.add("agent_pins", {"agent_id": agent_id, "user_id": owner.user_id, "pinned_at": now})
    statuses = [b.status for b in a.builds]
    if sum(1 for st in statuses if st == "live") > 1:
        raise seed_error(f"{where}.builds", "at most one build can be live")
    default_live = "live" not in statuses
    build_ids = []
    previous = None
    for n, b in enumerate(a.builds, start=1):
        bw = f"{where}.builds[{n - 1}]"
        status = b.status or ("live" if default_live and n == len(a.builds) else "historic")
        build_id = b.id or db.ids.new_id()
        created = db.ids.now()
        s.add(
            "builds",
            {
                "id": build_id,
                "agent_id": agent_id,
                "name": b.name,
                "revision_name": b.revision_name,
                "revision_description": b.revision_description,
                "config": seed_config(b.config, f"{bw}.config"),
                "status": status,
                "revision_number": n,
                "parent_build_id": previous,
                "created_by": owner.user_id,
                "created_by_name": owner.user_name,
                "created_at": created,
                "updated_at": created,
                "handover_target_ids": json.dumps(b.handover_target_ids),
            },
        )
        for k, item in enumerate(b.integrations):
            slot_ref = SeedSlot(integration=item) if isinstance(item, str) else item
            slot = s.slot(slot_ref.integration, f"{bw}.integrations[{k}]")
            slot_id = db.ids.new_id()
            s.add(
                "slots", {**slot, "id": slot_id, "build_id": build_id, "created_at": db.ids.now()}
            )
            for p, ref in enumerate(slot_ref.pins):
                conn = s.connection(ref, f"{bw}.integrations[{k}].pins[{p}]")
                s.add(
                    "slot_pins",
                    {
                        "slot_id": slot_id,
                        "user_id": owner.user_id,
                        "connection_id": conn["id"],
                        "created_at": created,
                    },
                )
        if status == "live":
            s.live_builds[agent_id] = build_id
        build_ids.append(build_id)
        previous = build_id
    if build_ids:
        s.live_builds.setdefault(agent_id, build_ids[-1])
    return {"id": agent_id, "builds": build_ids}


def _seed_schedule(s: _Seeder, db: Store, item: SeedSchedule, where: str) -> str:
    owner = s.owner(item.owner, where)
    agent_id = item.agent if item.agent in s.agent_ids else s.agent_names.get(item.agent)
    if agent_id is None:
        raise seed_error(f"{where}.agent", f"no agent {item.agent!r}")
    build_id = (
        item.build_id
        or s.live_builds.get(agent_id)
        or db.scalar(
            "SELECT id FROM builds WHERE agent_id = ? ORDER BY status = 'live' DESC, "
            "revision_number DESC LIMIT 1",
            (agent_id,),
        )
    )
    if build_id is None:
        raise seed_error(f"{where}.build_id", "the agent has no build")
    now = db.ids.now()
    schedule_id = item.id or db.ids.new_id()
    s.add(
        "schedules",
        {
            "id": schedule_id,
            "agent_id": agent_id,
            "build_id": build_id,
            "user_id": owner.user_id,
            "enabled": int(item.enabled),
            "frequency": item.frequency,
            "time": item.time,
            "timezone": item.timezone,
            "day": item.day,
            "day_of_month": item.day_of_month,
            "cron": item.cron,
            "source": item.source,
            "task": item.task,
            "recurring": None if item.recurring is None else int(item.recurring),
            "created_at": now,
            "updated_at": now,
        },
    )
    return schedule_id
