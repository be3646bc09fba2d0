"""Connection deletes, addresses for pruned objects, and what no manifest declares (DESIGN §4).

- A Connection whose manifest says ``ensure: absent`` and that is live is deleted
  (``connection.delete``: ``DELETE /v1/connections/{connection_id}``, which also removes the
  triggers bound to it). One that is already gone is unchanged and expected absent
  (``duvoform.kinds.connection.diff`` records that).
- With ``--prune``, when ``duvoform.yaml``'s ``prune.kinds`` lists ``Connection``, every live
  connection that no manifest claims is deleted. Folders are pruned by
  ``duvoform.kinds.folder.diff`` (a folder delete waits for the moves out of it); both name what
  they prune with ``prune_addresses``, so that two live objects with one name get two addresses.
- Live folders and connections that no manifest declares and this plan keeps are reported as
  a note (a count and the first names) when pruning is in play: in prune scope without
  ``--prune``, or ``--prune`` for a kind outside the scope. Undeclared assignments are always
  reported, by ``duvoform.kinds.assignment.diff``: the v1 API cannot delete them.

Whether a delete may happen at all (protected objects, mass deletes, non-empty folders) is
decided on the whole plan by ``duvoform.engine.safety``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

from duvoform.api.models import Connection as LiveConnection
from duvoform.engine.context import Context, StepList
from duvoform.engine.plan import Action, Change, FieldChange
from duvoform.engine.steps import Op, ref
from duvoform.kinds import Connection, Folder
from duvoform.text import listed, quote

__all__ = [
    "plan_connection_deletes",
    "prune_addresses",
    "report_unmanaged",
    "spare_previous_names",
]

_T = TypeVar("_T")

_ABSENT = "deleted because: ensure: absent"
_PRUNED = "deleted because: not in any manifest (--prune)"


def prune_addresses(
    kind: str, objects: Sequence[tuple[str, str]], taken: set[str]
) -> list[tuple[str, str]]:
    """``(identity, live id)`` -> ``(address, live id)`` for the live objects a plan prunes.

    The address is ``Kind/identity``, unless that identity is shared (by another pruned
    object, or by a manifest's address in ``taken``): then every such object is
    ``Kind/identity (id <live id>)``. The addresses are added to ``taken``.
    """
    counts = Counter(identity for identity, _ in objects)
    out: list[tuple[str, str]] = []
    for identity, live_id in objects:
        address = f"{kind}/{identity}"
        if counts[identity] > 1 or address in taken:
            address = f"{kind}/{identity} (id {live_id})"
        taken.add(address)
        out.append((address, live_id))
    return out


def _previous_names(ctx: Context, kind: str) -> dict[str, str]:
    """``{previous name: address}`` of the manifests of ``kind`` that should exist."""
    out: dict[str, str] = {}
    for resource in ctx.desired.of_kind(kind):
        if resource.ensure == "present":
            for old in resource.metadata.previous_names:
                out.setdefault(old, ctx.address(resource))
    return out


def spare_previous_names(
    ctx: Context, kind: str, objects: Sequence[_T], name: Callable[[_T], str], *, note: bool
) -> list[_T]:
    """The unmanaged ``objects`` that prune may delete: not those whose name a manifest lists in
    ``previous_names`` (it may be the object that manifest renames, on another run). With
    ``note``, the plan says which were kept and why."""
    previous = _previous_names(ctx, kind)
    kept = [o for o in objects if name(o) in previous]
    if note and kept:
        for o in kept:
            ctx.result.notes.append(
                f"{kind} {quote(name(o))} is not pruned: {previous[name(o)]} lists it in "
                "metadata.previous_names"
            )
    return [o for o in objects if name(o) not in previous]


def _taken(ctx: Context, kind: str) -> set[str]:
    return {ctx.address(r) for r in ctx.desired.of_kind(kind)}


def plan_connection_deletes(ctx: Context) -> None:
    """Delete changes for live ``ensure: absent`` connections and, with ``--prune`` in scope,
    for the live connections no manifest claims."""
    for connection in ctx.desired.of_kind(Connection.KIND):
        if connection.ensure != "absent":
            continue
        address = ctx.address(connection)
        live_id = ctx.live_id(address)
        live = ctx.live.connection(live_id) if live_id is not None else None
        if live is not None:
            ctx.read(Connection.KIND, live.id)
            ctx.add(_delete(ctx, address, live, _ABSENT))
    if not _pruning(ctx, Connection.KIND):
        return
    doomed = spare_previous_names(
        ctx, Connection.KIND, ctx.matches.unmanaged_connections, lambda c: c.name, note=True
    )
    unmanaged = {c.id: c for c in doomed}
    named = [(c.name, c.id) for c in doomed]
    for address, live_id in prune_addresses(Connection.KIND, named, _taken(ctx, Connection.KIND)):
        ctx.result.ids[address] = live_id
        ctx.read(Connection.KIND, live_id)
        ctx.add(_delete(ctx, address, unmanaged[live_id], _PRUNED))


def _pruning(ctx: Context, kind: str) -> bool:
    return ctx.options.prune and kind in ctx.desired.manifests.project.prune.kinds


def _delete(ctx: Context, address: str, live: LiveConnection, reason: str) -> Change:
    steps = StepList(address)
    steps.add(Op.CONNECTION_DELETE, {"connection": ref(address)})
    fields = [FieldChange("name", live.name, None)]
    for path in ("type", "server_url", "shared"):
        value = getattr(live, path)
        if value is not None:
            fields.append(FieldChange(path, value, None))
    notes = [reason, "Duvo also removes the triggers bound to this connection"]
    pinned = ctx.pinned_to.get(live.id, [])
    if pinned:
        notes.append(f"it is pinned to the live builds of: {listed(pinned)}")
    return Change(
        kind=Connection.KIND,
        name=address.split("/", 1)[1],
        action=Action.DELETE,
        fields=tuple(fields),
        notes=tuple(notes),
        live_id=live.id,
        steps=steps.tuple(),
    )


def report_unmanaged(ctx: Context) -> None:
    """A note per kind of live folders and connections that no manifest declares and this
    plan keeps, when pruning is in play (see the module docstring)."""
    scope = ctx.desired.manifests.project.prune.kinds
    folders = spare_previous_names(
        ctx, Folder.KIND, ctx.matches.unmanaged_folders, lambda f: f.name, note=False
    )
    connections = spare_previous_names(
        ctx, Connection.KIND, ctx.matches.unmanaged_connections, lambda c: c.name, note=False
    )
    groups = (
        (Folder.KIND, "folder", ["/".join(ctx.live.folders.path_of(f.id)) for f in folders]),
        (Connection.KIND, "connection", [c.name for c in connections]),
    )
    for kind, noun, names in groups:
        if not names or _pruning(ctx, kind):
            continue
        count = len(names)
        them = "it" if count == 1 else "them"
        if kind in scope:
            why = f"--prune would delete {them}"
        elif ctx.options.prune:
            why = f"--prune leaves {them}: duvoform.yaml's prune.kinds does not list {kind}"
        else:
            continue
        shown = listed([quote(name) for name in sorted(names)])
        ctx.result.notes.append(
            f"{count} live {noun}{'s are' if count != 1 else ' is'} not in any manifest "
            f"(unmanaged; {why}): {shown}"
        )
