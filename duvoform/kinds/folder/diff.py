"""Folders: create, rename, re-parent, and delete (``ensure: absent``, or ``--prune``).

- A folder no live folder matches is created under its desired parent
  (``folder.create``; the parent's create comes first).
- A matched folder whose name or parent differs is updated in one ``folder.update`` (a rename
  when it was matched through ``previous_names``; a re-parent when it was found elsewhere or
  its desired parent changed).
- A folder is deleted when its manifest says ``ensure: absent`` and it is live, or with
  ``--prune`` when no manifest declares it and ``duvoform.yaml`` puts folders in prune scope.
  Deletes run bottom-up: after the deletes of its subfolders, after its declared subfolders moved
  away, and after the declared assignments inside it moved out. What is still inside then
  (``kinds.folder.contents.FolderContents``: undeclared assignments, which the API moves to the
  root, and undeclared subfolders) makes the folder *non-empty*: the delete is forced and its notes
  say what moves.

The safety rails (``protected: true``, non-empty folders, mass deletes) are checked on the whole
plan by ``duvoform.engine.safety``.

Deletes are built last (``plan_folder_deletes``), once every other change is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from duvoform.api.models import FolderListItem
from duvoform.engine.context import (
    Context,
    StepList,
)
from duvoform.engine.plan import Action, Change, FieldChange
from duvoform.engine.prune import prune_addresses, spare_previous_names
from duvoform.engine.steps import Op, Step, ref
from duvoform.kinds import Folder
from duvoform.kinds.folder.absent import note_already_absent
from duvoform.kinds.folder.contents import FolderContentsIndex

__all__ = ["diff_folders", "plan_folder_deletes"]


@dataclass(frozen=True)
class _Doomed:
    """A live folder this plan deletes, and the manifest that asks for it (None: pruned)."""

    address: str
    live: FolderListItem
    resource: Folder | None


def diff_folders(ctx: Context) -> None:
    """Creates and updates for every declared folder (deletes come later)."""
    for folder in ctx.desired.folders_in_parent_order():
        address = ctx.address(folder)
        live_id = ctx.live_id(address)
        ctx.read(Folder.KIND, live_id)
        if folder.ensure == "absent":
            if live_id is None:
                ctx.result.expected_absent.append(_absent(ctx, folder))
                ctx.result.unchanged += 1
                note_already_absent(ctx, folder)
            continue
        if live_id is None:
            _create(ctx, folder, address)
        elif not _update(ctx, folder, address, live_id):
            ctx.result.unchanged += 1


def _absent(ctx: Context, folder: Folder) -> dict[str, str]:
    return {"kind": Folder.KIND, "path": "/".join(ctx.desired.folder_path(folder))}


def _parent(ctx: Context, folder: Folder) -> tuple[str | None, str | None]:
    """(the desired parent's address, its path), both None for the root."""
    parent = ctx.desired.parent_of(folder)
    if parent is None:
        return None, None
    return ctx.address(parent), "/".join(ctx.desired.folder_path(parent))


def _create(ctx: Context, folder: Folder, address: str) -> None:
    parent_address, parent_path = _parent(ctx, folder)
    steps = StepList(address)
    steps.add(
        Op.FOLDER_CREATE,
        {"name": folder.name, "parent": ref(parent_address) if parent_address else None},
    )
    ctx.result.expected_absent.append(_absent(ctx, folder))
    ctx.add(
        Change(
            kind=Folder.KIND,
            name=_identity(address),
            action=Action.CREATE,
            fields=_created_fields(folder.name, parent_path),
            depends_on=(parent_address,) if parent_address else (),
            steps=steps.tuple(),
        )
    )


def _created_fields(name: str, parent_path: str | None) -> tuple[FieldChange, ...]:
    fields = [FieldChange("name", None, name)]
    if parent_path is not None:
        fields.append(FieldChange("parent", None, parent_path))
    return tuple(fields)


def _update(ctx: Context, folder: Folder, address: str, live_id: str) -> bool:
    live = ctx.live.folders.get(live_id)
    assert live is not None  # matched ids come from the folder list
    parent_address, parent_path = _parent(ctx, folder)
    wanted_parent = ctx.live_id(parent_address) if parent_address else None
    live_parent = ctx.live_folder_parent(live_id)
    params: dict[str, object] = {"folder": ref(address)}
    fields: list[FieldChange] = []
    if live.name != folder.name:
        params["name"] = folder.name
        fields.append(FieldChange("name", live.name, folder.name))
    parent_is_new = parent_address is not None and wanted_parent is None
    if parent_is_new or wanted_parent != live_parent:
        params["parent"] = ref(parent_address) if parent_address else None
        fields.append(FieldChange("parent", ctx.folder_path(live_parent), parent_path))
    if not fields:
        return False
    steps = StepList(address)
    steps.add(Op.FOLDER_UPDATE, params)
    ctx.add(
        Change(
            kind=Folder.KIND,
            name=_identity(address),
            action=Action.UPDATE,
            fields=tuple(fields),
            depends_on=(parent_address,) if parent_address else (),
            live_id=live_id,
            steps=steps.tuple(),
        )
    )
    return True


def _identity(address: str) -> str:
    return address.split("/", 1)[1]


# -- deletes ------------------------------------------------------------------------------


def plan_folder_deletes(ctx: Context) -> None:
    """Delete changes for ``ensure: absent`` folders that are live, and pruned folders.

    Runs after every other differ: a delete waits for the moves out of the folder.
    """
    doomed = _doomed(ctx)
    if not doomed:
        return
    by_id = {d.live.id: d for d in doomed}
    moves = _moves_by_folder(ctx)
    updates = _folder_updates(ctx)
    contents = FolderContentsIndex(ctx.live, ctx.result.changes)
    changes = [_delete(ctx, item, by_id, moves, updates, contents) for item in doomed]
    for change in changes:
        ctx.add(change)


def _doomed(ctx: Context) -> list[_Doomed]:
    out: list[_Doomed] = []
    for folder in ctx.desired.folders_in_parent_order():
        address = ctx.address(folder)
        live_id = ctx.live_id(address)
        if folder.ensure != "absent" or live_id is None:
            continue
        live = ctx.live.folders.get(live_id)
        assert live is not None
        out.append(_Doomed(address, live, folder))
    project = ctx.desired.manifests.project
    if ctx.options.prune and Folder.KIND in project.prune.kinds:
        pruned = spare_previous_names(
            ctx, Folder.KIND, ctx.matches.unmanaged_folders, lambda f: f.name, note=True
        )
        unmanaged = {f.id: f for f in pruned}
        paths = [("/".join(ctx.live.folders.path_of(f.id)), f.id) for f in pruned]
        taken = {ctx.address(f) for f in ctx.desired.of_kind(Folder.KIND)}
        for address, live_id in prune_addresses(Folder.KIND, paths, taken):
            out.append(_Doomed(address, unmanaged[live_id], None))
            ctx.result.ids[address] = live_id
            ctx.read(Folder.KIND, live_id)
    return out


def _moves_by_folder(ctx: Context) -> dict[str, list[tuple[str, str]]]:
    """live folder id -> [(assignment address, move step id)] for assignments moving out."""
    out: dict[str, list[tuple[str, str]]] = {}
    for change in ctx.result.changes:
        if change.live_id is None:
            continue
        agent = ctx.live.agent(change.live_id) if change.kind == "Assignment" else None
        if agent is None or agent.folder_id is None:
            continue
        for step in change.steps:
            if step.op is Op.AGENTS_MOVE:
                out.setdefault(agent.folder_id, []).append((change.address, step.id))
    return out


def _folder_updates(ctx: Context) -> dict[str, tuple[str, Step]]:
    """live folder id -> (address, update step) for declared folders that change parent."""
    out: dict[str, tuple[str, Step]] = {}
    for change in ctx.result.changes:
        if change.kind == Folder.KIND and change.live_id is not None:
            for step in change.steps:
                if step.op is Op.FOLDER_UPDATE and "parent" in step.params:
                    out[change.live_id] = (change.address, step)
    return out


def _delete(
    ctx: Context,
    item: _Doomed,
    doomed: dict[str, _Doomed],
    moves: dict[str, list[tuple[str, str]]],
    updates: dict[str, tuple[str, Step]],
    contents: FolderContentsIndex,
) -> Change:
    live = item.live
    after: list[str] = []
    depends: list[str] = []
    for address, step_id in moves.get(live.id, []):
        after.append(step_id)
        depends.append(address)
    for child in ctx.live.folders.children(live.id):
        if child.id in doomed:
            depends.append(doomed[child.id].address)
            after.append(f"{doomed[child.id].address}#1")
        elif child.id in updates:
            address, step = updates[child.id]
            depends.append(address)
            after.append(step.id)
    held = contents.contents(live.id, doomed)
    notes = held.notes()
    steps = StepList(item.address)
    steps.add(Op.FOLDER_DELETE, {"folder": ref(item.address), "force": bool(held)}, after)
    parent = ctx.live_folder_parent(live.id)
    reason = "ensure: absent" if item.resource is not None else "not in any manifest (--prune)"
    return Change(
        kind=Folder.KIND,
        name=_identity(item.address),
        action=Action.DELETE,
        fields=_deleted_fields(live.name, ctx.folder_path(parent)),
        depends_on=tuple(dict.fromkeys(depends)),
        notes=(f"deleted because: {reason}", *notes),
        live_id=live.id,
        steps=steps.tuple(),
    )


def _deleted_fields(name: str, parent_path: str | None) -> tuple[FieldChange, ...]:
    fields = [FieldChange("name", name, None)]
    if parent_path is not None:
        fields.append(FieldChange("parent", parent_path, None))
    return tuple(fields)
