"""How one live object differs from its manifest, in the words of ``plan``.

There is one diff in duvoform, the planner's. ``show`` does not read the whole team: it puts
what it read into a small ``LiveState`` (the object, the folder tree, the sub-agents its build
names, the connections it read) and runs the planner's pure part, ``plan_against``, over the
given manifests. Of that plan it keeps the change (and the notes and warnings) of the manifest
that matched the shown object: exactly what ``plan`` would say about it, as long as the
answer depends only on the object itself. Other manifests are matched against that small
state too and their changes are dropped unseen.

Sub-agents that the name index knows are given to the planner by id and name only: enough to
match a manifest's ``sub_agents`` names to the ids in the live build. Objects that manifests pin
with ``metadata.id`` but ``show`` did not read are assumed to exist the same way (``plan``,
which reads everything, is where a pinned id that is gone is reported).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from duvoform.api.models import Agent, Connection, FolderListItem
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import FolderTree, LiveState
from duvoform.engine.plan import Plan
from duvoform.engine.planner import PlanOptions, plan_against
from duvoform.kinds import Assignment, Folder
from duvoform.kinds import Connection as ConnectionKind
from duvoform.lookup.reads import AssignmentView, ConnectionView, FolderView
from duvoform.manifest import Manifests

__all__ = ["Comparison", "compare_assignment", "compare_connection", "compare_folder"]


@dataclass(frozen=True)
class Comparison:
    """``address``: the manifest describing the live object (None: no manifest does);
    ``plan``: what ``plan`` says about it alone (no change: nothing differs)."""

    address: str | None
    plan: Plan

    @property
    def differs(self) -> bool:
        """True when applying the manifests would change this object."""
        return self.plan.has_changes


def _assume_pinned(desired: DesiredState, live: LiveState) -> LiveState:
    """``live`` plus a bare stand-in for every object a manifest pins that was not read."""
    agents = list(live.agents)
    connections = list(live.connections)
    folders = list(live.folders.folders)
    for resource in desired.resources:
        pinned = resource.metadata.id
        if pinned is None:
            continue
        ident = str(pinned)
        if isinstance(resource, Assignment) and live.agent(ident) is None:
            agents.append(Agent(id=ident, name=resource.name))
        elif isinstance(resource, ConnectionKind) and live.connection(ident) is None:
            connections.append(Connection(id=ident, name=resource.name))
        elif isinstance(resource, Folder) and live.folders.get(ident) is None:
            folders.append(FolderListItem(id=ident, name=resource.name))
    if (
        len(agents) == len(live.agents)
        and len(connections) == len(live.connections)
        and len(folders) == len(live.folders)
    ):
        return live
    return replace(
        live,
        folders=FolderTree(folders),
        agents=tuple(agents),
        connections=tuple(connections),
    )


def _compare(manifests: Manifests, live: LiveState, live_id: str) -> Comparison:
    desired = DesiredState.build(manifests)
    # show applies nothing: a safety rail about some other object must not hide this one.
    result = plan_against(desired, _assume_pinned(desired, live), PlanOptions(enforce_safety=False))
    address = result.matches.address_of(live_id)
    if address is None:
        return Comparison(None, Plan())
    changes = tuple(c for c in result.plan.changes if c.address == address)
    prefix = f"{address}:"
    return Comparison(
        address,
        Plan(
            changes=changes,
            unchanged=0 if changes else 1,
            warnings=tuple(w for w in result.plan.warnings if w.startswith(prefix)),
            notes=tuple(n for n in result.plan.notes if n.startswith(prefix)),
        ),
    )


def compare_assignment(manifests: Manifests, view: AssignmentView) -> Comparison:
    """The shown assignment against the manifests (``view`` read ``with_folders``)."""
    known = {a.id: a for a in view.sub_agents}
    for ident, name in view.agent_names.items():
        known.setdefault(ident, Agent(id=ident, name=name))
    known[view.agent.id] = view.agent
    live = LiveState(
        folders=view.tree,
        agents=tuple(known.values()),
        connections=view.connections,
        builds={view.agent.id: view.builds},
    )
    return _compare(manifests, live, view.agent.id)


def compare_connection(manifests: Manifests, view: ConnectionView) -> Comparison:
    """The shown connection against the manifests."""
    connection = view.connection
    credentials = {connection.id: view.credentials} if view.credentials is not None else {}
    live = LiveState(
        folders=FolderTree(()), agents=(), connections=(connection,), credentials=credentials
    )
    return _compare(manifests, live, connection.id)


def compare_folder(manifests: Manifests, view: FolderView) -> Comparison:
    """The shown folder against the manifests."""
    live = LiveState(folders=view.tree, agents=view.assignments, connections=())
    return _compare(manifests, live, view.folder.id)
