"""The picture of a team: what ``duvoform graph`` draws, before it is written as mermaid or DOT.

A ``Picture`` holds folders as ``Group``\\ s (nested by parent), assignments and connections as
``Node``\\ s (an assignment inside its folder's group), and one ``Edge`` per ``sub_agents``,
``handover_to`` or ``connections`` entry. Every element is keyed by its address
(``Assignment/Invoice triage``, ``Folder/Finance/Accounts Payable``) and, for a picture of a
plan, carries the action planned for it (``None``: unchanged).

``picture_of(desired, plan)`` builds it from the desired graph (objects with ``ensure: absent``
are left out, unless the plan deletes them); ``focus(picture, limit)`` keeps the changed objects
and their direct neighbours, at most ``limit`` of them, for a pull-request comment. The writers
(``graph_mermaid``, ``graph_dot``) name elements by generated ids, never by a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from duvoform.engine.graph import DesiredState
from duvoform.engine.plan import ACTION_ORDER, Action, Plan
from duvoform.kinds import Folder
from duvoform.kinds.folder.model import PATH_SEPARATOR
from duvoform.kinds.registry import home

__all__ = [
    "COLOURS",
    "DEFAULT_LIMIT",
    "EDGE_LABELS",
    "Colours",
    "Edge",
    "EdgeRole",
    "Group",
    "Node",
    "Picture",
    "focus",
    "picture_of",
]

DEFAULT_LIMIT = 50
"""Most objects a pull-request comment's picture shows."""


class EdgeRole(StrEnum):
    """What an edge stands for: the manifest field that makes it."""

    SUB_AGENT = "sub_agent"
    HANDOVER = "handover"
    CONNECTION = "connection"


EDGE_LABELS: dict[EdgeRole, str] = {
    EdgeRole.SUB_AGENT: "calls as sub-agent",
    EdgeRole.HANDOVER: "hands over to",
    EdgeRole.CONNECTION: "uses connection",
}
"""How the legend explains each edge role."""


@dataclass(frozen=True)
class Node:
    """An assignment or a connection; ``group`` is the key of its folder (None: the root);
    ``stored``: drawn as a store (its kind's home says so: connections)."""

    key: str
    kind: str
    label: str
    group: str | None = None
    action: Action | None = None
    stored: bool = False


@dataclass(frozen=True)
class Group:
    """A folder, drawn as a box around its assignments and sub-folders."""

    key: str
    label: str
    parent: str | None = None
    action: Action | None = None


@dataclass(frozen=True)
class Edge:
    """``source`` refers to ``target`` (both keys) through the field ``role`` names."""

    source: str
    target: str
    role: EdgeRole


@dataclass(frozen=True)
class Picture:
    """Groups, nodes and edges, in a stable order (the manifests' order).

    ``of_plan``: the elements carry planned actions, and unchanged ones are drawn dimmed.
    ``left_out``: how many objects ``focus`` had to leave out.
    """

    groups: tuple[Group, ...] = ()
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    of_plan: bool = False
    left_out: int = 0
    _by_key: dict[str, Group | Node] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, Group | Node] = {g.key: g for g in self.groups}
        index.update({n.key: n for n in self.nodes})
        object.__setattr__(self, "_by_key", index)

    @property
    def size(self) -> int:
        """How many objects (folders, assignments, connections) the picture shows."""
        return len(self.groups) + len(self.nodes)

    def get(self, key: str) -> Group | Node | None:
        """The group or node with ``key``."""
        return self._by_key.get(key)

    def actions(self) -> tuple[Action | None, ...]:
        """The actions that occur in the picture, in reading order (deletes first), then
        ``None`` when some objects are unchanged."""
        found = {g.action for g in self.groups} | {n.action for n in self.nodes}
        return tuple(action for action in (*ACTION_ORDER, None) if action in found)


def picture_of(desired: DesiredState, plan: Plan | None = None) -> Picture:
    """The picture of ``desired``; with ``plan``, each element marked by its planned action.

    Objects a plan deletes that no manifest declares (``--prune``) are added: a folder under
    its parent when that is drawn, anything else at the root.
    """
    actions = {c.address: c.action for c in plan.changes} if plan is not None else {}
    groups: list[Group] = []
    nodes: list[Node] = []
    edges: list[Edge] = []
    drawn: set[str] = set()
    for folder in desired.folders_in_parent_order():
        key = desired.address(folder)
        if folder.ensure == "absent" and key not in actions:
            continue
        parent = desired.parent_of(folder)
        groups.append(
            Group(key, folder.name, desired.address(parent) if parent else None, actions.get(key))
        )
        drawn.add(key)
    for resource in desired.resources:
        key = desired.address(resource)
        if isinstance(resource, Folder) or (resource.ensure == "absent" and key not in actions):
            continue
        home = desired.folder_of(resource)
        group = desired.address(home) if home is not None else None
        nodes.append(
            Node(key, resource.kind, resource.name, group, actions.get(key), _stored(resource.kind))
        )
        drawn.add(key)
        for ref in desired.references_of(resource):
            if ref.reference.role in EdgeRole.__members__.values():
                edges.append(Edge(key, desired.address(ref.target), EdgeRole(ref.reference.role)))
    if plan is not None:
        groups, nodes = _add_undeclared(plan, groups, nodes, drawn)
    edges = [e for e in edges if e.target in drawn]
    return Picture(tuple(groups), tuple(nodes), tuple(edges), of_plan=plan is not None)


def _add_undeclared(
    plan: Plan, groups: list[Group], nodes: list[Node], drawn: set[str]
) -> tuple[list[Group], list[Node]]:
    for change in plan.changes:
        if change.address in drawn:
            continue
        if change.kind == Folder.KIND:
            *above, name = change.name.split(PATH_SEPARATOR)
            parent = f"{Folder.KIND}/{PATH_SEPARATOR.join(above)}" if above else None
            groups.append(
                Group(change.address, name, parent if parent in drawn else None, change.action)
            )
        else:
            nodes.append(
                Node(
                    change.address,
                    change.kind,
                    change.name,
                    None,
                    change.action,
                    _stored(change.kind),
                )
            )
        drawn.add(change.address)
    return groups, nodes


def _stored(kind: str) -> bool:
    found = home(kind)
    return found is not None and found.stored


def focus(picture: Picture, limit: int = DEFAULT_LIMIT) -> Picture:
    """The changed objects of ``picture`` and their direct neighbours, at most ``limit``.

    Changed objects come first (deletes first, as plans read), then their neighbours; each
    object brings the folders around it, which count towards ``limit``. ``left_out`` says how
    many of the changed objects and neighbours did not fit.
    """
    changed = [e.key for e in _by_action(picture)]
    neighbours: list[str] = []
    marked, seen = set(changed), set(changed)
    for edge in picture.edges:
        for near, far in ((edge.source, edge.target), (edge.target, edge.source)):
            if near in marked and far not in seen:
                seen.add(far)
                neighbours.append(far)
    kept: set[str] = set()
    left_out = 0
    for key in (*changed, *neighbours):
        wanted = [k for k in _with_ancestors(picture, key) if k not in kept]
        if len(kept) + len(wanted) > limit:
            left_out += 1
            continue
        kept.update(wanted)
    return Picture(
        groups=tuple(g for g in picture.groups if g.key in kept),
        nodes=tuple(n for n in picture.nodes if n.key in kept),
        edges=tuple(e for e in picture.edges if e.source in kept and e.target in kept),
        of_plan=picture.of_plan,
        left_out=left_out,
    )


def _by_action(picture: Picture) -> Iterable[Group | Node]:
    for action in ACTION_ORDER:
        yield from (g for g in picture.groups if g.action is action)
        yield from (n for n in picture.nodes if n.action is action)


def _with_ancestors(picture: Picture, key: str) -> list[str]:
    """``key`` and the keys of the groups around it, innermost first."""
    keys = [key]
    element = picture.get(key)
    above = element.group if isinstance(element, Node) else getattr(element, "parent", None)
    while above is not None and above not in keys:
        keys.append(above)
        parent = picture.get(above)
        above = parent.parent if isinstance(parent, Group) else None
    return keys


@dataclass(frozen=True)
class Colours:
    """How one planned action (or ``None``: unchanged) is coloured: fill, border, text."""

    fill: str
    stroke: str
    text: str


COLOURS: dict[Action | None, Colours] = {
    Action.CREATE: Colours("#dafbe1", "#1a7f37", "#0d3d1d"),
    Action.UPDATE: Colours("#fff8c5", "#9a6700", "#4d2d00"),
    Action.BUILD: Colours("#ddf4ff", "#0969da", "#0a3069"),
    Action.DELETE: Colours("#ffebe9", "#cf222e", "#82071e"),
    Action.AUTHORIZE: Colours("#fbefff", "#8250df", "#3e1f79"),
    None: Colours("#f6f8fa", "#d0d7de", "#8c959f"),
}
"""Both writers colour planned actions alike (GitHub's palette); ``None`` is "unchanged"."""
