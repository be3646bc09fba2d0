"""Helpers for planner tests: manifests written to disk, and live state that matches them.

``converged_seed(desired)`` is the emulator seed of a team on which the manifests were already
applied: every folder, connection and assignment exists with fixed ids (uuid5 of the address),
connections with their settings and header names (OAuth ones as their flow leaves them), and
each assignment's live build carries the desired digest and config, and a slot and a pin for
each connection it names. A plan against it must have no changes.
"""

from __future__ import annotations

import textwrap
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from duvoform.api.models import Agent, Build, FolderListItem
from duvoform.api.models import Connection as LiveConnection
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import FolderTree, LiveState
from duvoform.engine.planner import PlanOptions, PlanResult, plan_against
from duvoform.engine.steps import REF
from duvoform.kinds import (
    Assignment,
    Connection,
    CustomMcpConnectionSpec,
    McpOAuth,
    NativeOAuth,
    OAuthConnectionSpec,
)
from duvoform.kinds.assignment.build import build_config
from duvoform.kinds.assignment.digest import build_digest, build_name
from duvoform.manifest import load_manifests
from tests.helpers import v2_config

NAMESPACE = uuid.UUID("6f1c3a52-2a55-4d0e-9a57-6d0c2f1d4b10")


def live_id(address: str) -> str:
    """The fixed id a converged seed gives the object at ``address``."""
    return str(uuid.uuid5(NAMESPACE, address))


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text, dedented) under ``root``; return ``root``."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return root


def desired_from(root: Path) -> DesiredState:
    """Load and resolve the manifests under ``root``."""
    return DesiredState.build(load_manifests([root]))


def _resolve(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {REF}:
            return live_id(value[REF])
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    return value


def converged_seed(desired: DesiredState) -> dict[str, Any]:
    """The seed of a team on which ``desired`` was applied (see the module docstring)."""
    seed: dict[str, Any] = {"folders": [], "connections": [], "agents": []}
    for folder in desired.folders_in_parent_order():
        if folder.ensure != "present":
            continue
        parent = desired.parent_of(folder)
        seed["folders"].append(
            {
                "id": live_id(desired.address(folder)),
                "name": folder.name,
                "parent": live_id(desired.address(parent)) if parent else None,
            }
        )
    slot_refs: dict[str, str] = {}
    for conn in desired.of_kind(Connection.KIND):
        assert isinstance(conn, Connection)
        if conn.ensure != "present":
            continue
        row, slot_refs[conn.name] = _connection_row(desired, conn)
        seed["connections"].append(row)
    for agent in desired.of_kind(Assignment.KIND):
        assert isinstance(agent, Assignment)
        folder = desired.folder_of(agent)
        build = agent.spec.build
        seed["agents"].append(
            {
                "id": live_id(desired.address(agent)),
                "name": agent.name,
                "folder_id": live_id(desired.address(folder)) if folder else None,
                "slack_enabled": agent.spec.slack_enabled,
                "microsoft_teams_enabled": agent.spec.microsoft_teams_enabled,
                "agentic_memory_enabled": agent.spec.agentic_memory_enabled,
                "builds": [
                    {
                        "id": live_id(desired.address(agent) + "@build"),
                        "name": build_name(build_digest(build), build.handover_to),
                        "config": _resolve(build_config(build)),
                        "revision_name": build.revision_name,
                        "revision_description": build.revision_description,
                        "integrations": [
                            {"integration": slot_refs[name], "pins": [name]}
                            for name in build.connections
                        ],
                    }
                ],
            }
        )
    return seed


def _connection_row(desired: DesiredState, conn: Connection) -> tuple[dict[str, Any], str]:
    """A connection's seed row as apply (or ``duvoform connect``) leaves it, and how a seeded
    build slot names its integration (a catalog slug, or the connection's name)."""
    row: dict[str, Any] = {
        "id": live_id(desired.address(conn)),
        "name": conn.name,
        "shared": getattr(conn.spec, "shared", False),
    }
    spec = conn.spec
    if isinstance(spec, CustomMcpConnectionSpec):
        row |= {
            "server_url": spec.server_url,
            "auth_method": spec.auth_method,
            "headers": {
                "plaintext": dict(spec.headers.plaintext),
                "secret": {name: "seeded-secret" for name in spec.headers.secret},
            },
        }
        return row, conn.name
    assert isinstance(spec, OAuthConnectionSpec)
    flow = spec.oauth
    if isinstance(flow, NativeOAuth):
        row |= {"type": flow.provider, "provider": "oauth", "auth_method": "oauth"}
        return row, flow.provider
    if isinstance(flow, McpOAuth):
        row |= {
            "type": flow.integration_type or "custom_mcp",
            "server_url": flow.server_url,
            "auth_method": "oauth",
            "custom_integration_id": live_id(desired.address(conn) + "#integration"),
        }
        return row, conn.name
    row |= {"type": flow.app, "provider": "composio", "auth_method": "oauth"}
    return row, flow.app


# -- hand-made live state (for pure planning tests) ------------------------------------------


def v2(sop: str = "Do it.", model: str = "claude-sonnet-4-6", **data: Any) -> dict[str, Any]:
    """A v2 build config as the API returns it (empty lists where nothing is set)."""
    lists: dict[str, Any] = {"files": [], "skills": [], "plugins": [], "subAgents": []}
    return v2_config(sop, model=model, **{**lists, **data})


def build(ident: str, name: str, config: dict[str, Any], **fields: Any) -> Build:
    """A live build (``status="live"`` unless given)."""
    fields.setdefault("status", "live")
    return Build.model_validate({"id": ident, "name": name, "config": config, **fields})


def agent(ident: str, name: str, latest: Build | None = None, **fields: Any) -> Agent:
    """A live assignment as the list returns it."""
    return Agent.model_validate({"id": ident, "name": name, "latest_build": latest, **fields})


def folder(ident: str, name: str, parent: str | None = None) -> FolderListItem:
    """A live folder."""
    return FolderListItem(id=ident, name=name, parent_folder_id=parent)


def connection(ident: str, name: str, **fields: Any) -> LiveConnection:
    """A live connection."""
    return LiveConnection.model_validate({"id": ident, "name": name, **fields})


def live_state(
    folders: Iterable[FolderListItem] = (),
    agents: Iterable[Agent] = (),
    connections: Iterable[LiveConnection] = (),
    builds: dict[str, tuple[Build, ...]] | None = None,
) -> LiveState:
    """A ``LiveState`` from hand-made objects."""
    return LiveState(
        folders=FolderTree(folders),
        agents=tuple(agents),
        connections=tuple(connections),
        builds=builds or {},
    )


def plan_for(root: Path, files: dict[str, str], live: LiveState, **options: Any) -> PlanResult:
    """Write ``files`` under ``root`` and plan them against ``live`` (no API)."""
    write(root, files)
    return plan_against(desired_from(root), live, PlanOptions(**options))


def digest_name(root: Path, name: str) -> str:
    """The build name duvoform gives the desired build of assignment ``name`` under ``root``."""
    resource = desired_from(root).get("Assignment", name)
    assert isinstance(resource, Assignment)
    return build_name(build_digest(resource.spec.build), resource.spec.build.handover_to)
