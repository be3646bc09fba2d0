"""Handlers for folders and moves: ``folder.create``, ``folder.update``, ``folder.delete``,
``agents.move``.

- ``folder.create`` is reconciled by name and parent: a lost create is looked for among the
  folders with the same name under the same parent (the newest one is adopted).
- ``folder.delete`` of a folder that is already gone (404) is done: the goal is its absence.
- ``agents.move`` is idempotent and retried by the client; moving to the root uses
  ``move-agents`` with ``folder_id: null`` (the client chooses the path).
"""

from __future__ import annotations

from typing import Any

from duvoform.api import routes
from duvoform.api.models import Folder, FolderListItem
from duvoform.apply.context import StepContext, create_once
from duvoform.engine.steps import Op
from duvoform.errors import ApplyError, NotFoundError
from duvoform.kinds.home import Operation

__all__ = ["OPERATIONS", "agents_move", "folder_create", "folder_delete", "folder_update"]


async def folder_create(ctx: StepContext) -> None:
    """``folder.create``: name, parent: ref|None -> the id of the step's address."""
    name = str(ctx.raw("name"))
    parent = ctx.id_of("parent") if ctx.has("parent") else None
    body: dict[str, Any] = {"name": name, "parent_folder_id": parent}

    async def find() -> Folder | None:
        same: list[FolderListItem] = [
            folder
            for folder in await ctx.client.list_folders()
            if folder.name == name and folder.parent_folder_id == parent
        ]
        return same[-1] if same else None  # listed oldest first: the newest is the lost one

    folder = await create_once(
        ctx, f"folder {name!r}", lambda: ctx.client.create_folder(body), find
    )
    ctx.record(ctx.step.address, folder.id)


async def folder_update(ctx: StepContext) -> None:
    """``folder.update``: folder: ref, [name], [parent: ref|None] (rename and re-parent)."""
    folder_id = ctx.id_of("folder")
    if folder_id is None:
        raise ApplyError(f"{ctx.step.id}: folder.update needs the folder to change")
    body: dict[str, Any] = {}
    if ctx.has("name"):
        body["name"] = ctx.raw("name")
    if ctx.has("parent"):
        body["parent_folder_id"] = ctx.id_of("parent")
    if body:
        await ctx.client.update_folder(folder_id, body)


async def folder_delete(ctx: StepContext) -> None:
    """``folder.delete``: folder: ref, force: bool. A folder already gone counts as deleted."""
    folder_id = ctx.id_of("folder")
    if folder_id is None:
        raise ApplyError(f"{ctx.step.id}: folder.delete needs the folder to delete")
    try:
        await ctx.client.delete_folder(folder_id, force=bool(ctx.raw("force", False)))
    except NotFoundError:
        ctx.note("the folder was already gone")


async def agents_move(ctx: StepContext) -> None:
    """``agents.move``: agents: [ref], folder: ref|None (None: the root); one request,
    shared with other moves to the same folder when the executor batches them."""
    agents = ctx.value("agents")
    if not isinstance(agents, list) or not all(isinstance(a, str) for a in agents):
        raise ApplyError(f"{ctx.step.id}: agents.move needs a list of assignments")
    folder_id = ctx.id_of("folder") if ctx.has("folder") else None
    if ctx.move is not None:
        await ctx.move(agents, folder_id)
    else:
        await ctx.client.move_agents(agents, folder_id)


OPERATIONS = (
    Operation(Op.FOLDER_CREATE, folder_create, lambda _: (routes.CREATE_FOLDER,)),
    Operation(
        Op.FOLDER_UPDATE,
        folder_update,
        lambda p: (routes.UPDATE_FOLDER,) if "name" in p or "parent" in p else (),
    ),
    Operation(Op.FOLDER_DELETE, folder_delete, lambda _: (routes.DELETE_FOLDER,)),
    Operation(
        Op.AGENTS_MOVE,
        agents_move,
        lambda p: (routes.MOVE_TO_FOLDER,) if p.get("folder") else (routes.MOVE_TO_ROOT,),
    ),
)
"""Folder operations, and moving assignments into folders."""
