"""Agent folders: list, create, update, delete, and both ways of moving agents.

- Folders nest through ``parent_folder_id`` (``null`` = root). Names need not be unique.
  An unknown ``parent_folder_id`` is a 400 naming the field (create documents no 404), and
  making a folder its own ancestor is a 400.
- Deleting a folder that holds assignments or subfolders needs ``force=true`` (exactly that
  string); without it the answer is ``400 {error, message, has_contents, agent_count}``. With
  it, the folder and every folder below it are deleted (inferred: the docs do not say what
  happens to subfolders) and every assignment in them moves to the root; ``agent_count``
  counts those assignments.
- ``POST /v1/agent-folders/move-agents {agent_ids, folder_id|null}`` and
  ``POST /v1/agent-folders/{folder_id}/agents {agent_ids}`` answer ``{success, moved_count}``;
  ``moved_count`` counts the agents whose folder changed. An unknown agent or destination
  folder is a 404 (naming it); ``agent_ids`` must be unique (400).
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from duvoform.emulator.lookups import folder_of, missing_agents
from duvoform.emulator.schemas import AddAgents, CreateFolder, MoveAgents, UpdateFolder
from duvoform.emulator.store import Row, Store
from duvoform.emulator.views import folder_list_out, folder_out
from duvoform.emulator.web import ApiProblem, Caller, Ctx, bad_request, endpoint, json_response

__all__ = ["ROUTES", "subtree"]


def subtree(store: Store, folder_id: str) -> list[str]:
    """The folder and every folder below it."""
    rows = store.all(
        "WITH RECURSIVE t(id) AS (SELECT ? UNION SELECT f.id FROM folders f "
        "JOIN t ON f.parent_folder_id = t.id) SELECT id FROM t",
        (folder_id,),
    )
    return [row["id"] for row in rows]


def _parent(store: Store, caller: Caller, parent_id: str) -> Row:
    row = store.one(
        "SELECT * FROM folders WHERE id = ? AND team_id = ?", (parent_id, caller.team_id)
    )
    if row is None:
        bad_request("parent_folder_id", f"folder {parent_id} not found")
    return row


@endpoint
async def list_folders(ctx: Ctx) -> Response:
    """GET /v1/agent-folders: every folder of the team, not paginated."""
    with ctx.store.read() as db:
        folders = folder_list_out(db, ctx.caller.team_id)
    return json_response({"folders": folders})


@endpoint
async def create_folder(ctx: Ctx) -> Response:
    """POST /v1/agent-folders: 201 {folder}."""
    body = await ctx.body(CreateFolder)
    with ctx.store.tx() as db:
        if body.parent_folder_id is not None:
            _parent(db, ctx.caller, body.parent_folder_id)
        now = db.ids.now()
        row: Row = {
            "id": db.ids.new_id(),
            "team_id": ctx.caller.team_id,
            "name": body.name,
            "parent_folder_id": body.parent_folder_id,
            "created_at": now,
            "updated_at": now,
        }
        db.insert("folders", row)
        ctx.wrote()
    return json_response({"folder": folder_out(row)}, 201)


@endpoint
async def update_folder(ctx: Ctx) -> Response:
    """PATCH /v1/agent-folders/{folder_id}: name, parent_folder_id (null = root)."""
    body = await ctx.body(UpdateFolder)
    if body.null_fields("name"):
        bad_request("name", "must not be null")
    with ctx.store.tx() as db:
        row = folder_of(db, ctx.caller, ctx.path["folder_id"])
        changes: Row = {}
        if body.name is not None and body.name != row["name"]:
            changes["name"] = body.name
        if body.given("parent_folder_id") and body.parent_folder_id != row["parent_folder_id"]:
            parent = body.parent_folder_id
            if parent is not None:
                _parent(db, ctx.caller, parent)
                if parent in subtree(db, row["id"]):
                    bad_request("parent_folder_id", "a folder cannot move below itself")
            changes["parent_folder_id"] = parent
        if changes:
            changes["updated_at"] = db.ids.now()
            db.update("folders", "id", row["id"], changes)
            ctx.wrote()
        fresh = folder_of(db, ctx.caller, row["id"])
    return json_response({"folder": folder_out(fresh)})


@endpoint
async def delete_folder(ctx: Ctx) -> Response:
    """DELETE /v1/agent-folders/{folder_id}[?force=true]."""
    force = ctx.query("force") == "true"
    with ctx.store.tx() as db:
        row = folder_of(db, ctx.caller, ctx.path["folder_id"])
        ids = subtree(db, row["id"])
        marks = db.marks(ids)
        agents = int(db.scalar(f"SELECT COUNT(*) FROM agents WHERE folder_id IN ({marks})", ids))
        if (agents or len(ids) > 1) and not force:
            raise ApiProblem(
                400,
                "folder_not_empty",
                f"the folder holds {agents} assignment(s) and {len(ids) - 1} subfolder(s); "
                "pass force=true to delete it and move its assignments to the root",
                {"has_contents": True, "agent_count": agents},
            )
        now = db.ids.now()
        db.run(
            f"UPDATE agents SET folder_id = NULL, updated_at = ? WHERE folder_id IN ({marks})",
            [now, *ids],
        )
        db.run(f"DELETE FROM folders WHERE id IN ({marks})", ids)
        ctx.wrote()
    return json_response({"success": True})


def _move(ctx: Ctx, store: Store, agent_ids: list[str], folder_id: str | None) -> int:
    if len(set(agent_ids)) != len(agent_ids):
        bad_request("agent_ids", "must be unique")
    if folder_id is not None:
        folder_of(store, ctx.caller, folder_id)
    missing = missing_agents(store, ctx.caller, agent_ids)
    if missing:
        raise ApiProblem(404, "not_found", f"agent {agent_ids[missing[0]]} not found")
    marks = store.marks(agent_ids)
    moved = store.run(
        f"UPDATE agents SET folder_id = ?, updated_at = ? WHERE id IN ({marks}) "
        "AND folder_id IS NOT ?",
        [folder_id, store.ids.now(), *agent_ids, folder_id],
    )
    if moved:
        ctx.wrote()
    return moved


@endpoint
async def move_agents(ctx: Ctx) -> Response:
    """POST /v1/agent-folders/move-agents {agent_ids, folder_id|null}."""
    body = await ctx.body(MoveAgents)
    with ctx.store.tx() as db:
        moved = _move(ctx, db, body.agent_ids, body.folder_id)
    return json_response({"success": True, "moved_count": moved})


@endpoint
async def add_agents(ctx: Ctx) -> Response:
    """POST /v1/agent-folders/{folder_id}/agents {agent_ids} (the seed's move path)."""
    body = await ctx.body(AddAgents)
    with ctx.store.tx() as db:
        moved = _move(ctx, db, body.agent_ids, ctx.path["folder_id"])
    return json_response({"success": True, "moved_count": moved})


ROUTES = [
    Route("/v1/agent-folders", list_folders, methods=["GET"]),
    Route("/v1/agent-folders", create_folder, methods=["POST"]),
    Route("/v1/agent-folders/move-agents", move_agents, methods=["POST"]),
    Route("/v1/agent-folders/{folder_id}", update_folder, methods=["PATCH"]),
    Route("/v1/agent-folders/{folder_id}", delete_folder, methods=["DELETE"]),
    Route("/v1/agent-folders/{folder_id}/agents", add_agents, methods=["POST"]),
]
