"""Finding the caller's objects by id (404 when missing or another team's) and checking refs."""

from __future__ import annotations

from collections.abc import Sequence

from duvoform.emulator.store import Row, Store
from duvoform.emulator.web import Caller, bad_request, not_found

__all__ = [
    "agent_of",
    "build_of",
    "check_agent_refs",
    "connection_of",
    "folder_of",
    "missing_agents",
]


def agent_of(store: Store, caller: Caller, agent_id: str) -> Row:
    """The caller's team's agent, or 404."""
    row = store.one("SELECT * FROM agents WHERE id = ? AND team_id = ?", (agent_id, caller.team_id))
    if row is None:
        not_found("agent")
    return row


def build_of(store: Store, caller: Caller, build_id: str, agent_id: str | None = None) -> Row:
    """A build of the caller's team (and of ``agent_id`` when given), or 404."""
    row = store.one(
        "SELECT b.* FROM builds b JOIN agents a ON a.id = b.agent_id "
        "WHERE b.id = ? AND a.team_id = ?",
        (build_id, caller.team_id),
    )
    if row is None or (agent_id is not None and row["agent_id"] != agent_id):
        not_found("build")
    return row


def folder_of(store: Store, caller: Caller, folder_id: str) -> Row:
    """The caller's team's folder, or 404."""
    row = store.one(
        "SELECT * FROM folders WHERE id = ? AND team_id = ?", (folder_id, caller.team_id)
    )
    if row is None:
        not_found("folder")
    return row


def connection_of(store: Store, caller: Caller, connection_id: str) -> Row:
    """A connection the caller can see (their own, or team-shared), or 404."""
    row = store.one(
        "SELECT * FROM connections WHERE id = ? AND team_id = ? AND (user_id = ? OR shared = 1)",
        (connection_id, caller.team_id, caller.user_id),
    )
    if row is None:
        not_found("connection")
    return row


def missing_agents(store: Store, caller: Caller, ids: Sequence[str]) -> list[int]:
    """Indexes of ``ids`` that name no agent of the caller's team."""
    if not ids:
        return []
    unique = list(dict.fromkeys(ids))
    found = {
        row["id"]
        for row in store.all(
            f"SELECT id FROM agents WHERE team_id = ? AND id IN ({store.marks(unique)})",
            [caller.team_id, *unique],
        )
    }
    return [index for index, agent_id in enumerate(ids) if agent_id not in found]


def check_agent_refs(store: Store, caller: Caller, ids: Sequence[str], field: str) -> None:
    """400 naming the first entry of ``field`` that is not an agent of the caller's team."""
    missing = missing_agents(store, caller, ids)
    if missing:
        bad_request(f"{field}[{missing[0]}]", f"agent {ids[missing[0]]} not found")
