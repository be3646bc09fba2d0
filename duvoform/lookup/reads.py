"""The reads ``show`` makes: one live object, with a few direct requests instead of a plan.

**Assignment** (at most 5 requests for a team of any size, when found by id or through the
name index, with at most 100 builds, a live newest build and unambiguous wiring; the reads
run concurrently):

1. ``GET /v1/agents/{id}``: the assignment, its newest build and its slots with ``is_connected``;
2. ``GET /v1/agent-folders``: its folder's path (only when it is in a folder);
3. ``GET /v1/agents/{id}/revisions``: every build (the live one with its full config, and the
   history), one request per 100 builds;
4. ``GET /v1/agents/{id}/schedules``: its schedules (read-only in the API);
5. ``GET /v1/connections``: the caller's connections, to name the ones pinned to its slots
   (only when the build has slots; pins inferred as ``export.wiring`` explains).

More only when needed: the live build's slots and pins when the newest build is not the live
one, pins whose connection cannot be inferred, ``GET /v1/agents/{id}`` for sub-agents the name
index does not know, and the listing when a name is not in the index (``inspect.index``), or
a handover target the live build lists is not (``import`` and ``show --format yaml`` write the
same document: a handover target only when it is live, ``metadata.id`` when the name is shared).

**Connection**: ``GET /v1/connections/{id}`` by id, else the connection list (one request per
100); then ``GET .../credentials`` when it has headers (names only: secret values come back
blank and are never shown).

**Folder**: the folder list (one request), and the assignment list (one per 100 assignments)
only when the folder holds assignments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from duvoform.api.client import DuvoClient
from duvoform.api.models import (
    Agent,
    Build,
    BuildConfigV2,
    Connection,
    ConnectionCredentials,
    FolderListItem,
    Schedule,
)
from duvoform.api.tasks import gather, task_group
from duvoform.engine.live import FolderTree, pick_live_build
from duvoform.errors import AddressError, NotFoundError
from duvoform.kinds.assignment.digest import parse_handover
from duvoform.kinds.assignment.slots import (
    WiredSlot,
    read_wiring,
    slots_from_configs,
    slots_from_list,
)
from duvoform.lookup.address import Address
from duvoform.lookup.index import NameIndex
from duvoform.text import did_you_mean, quote

__all__ = [
    "AssignmentView",
    "ConnectionView",
    "FolderView",
    "find_assignment",
    "read_assignment",
    "read_connection",
    "read_folder",
]


@dataclass
class AssignmentView:
    """One live assignment as ``show`` sees it."""

    agent: Agent
    tree: FolderTree
    builds: tuple[Build, ...]
    live_build: Build | None
    wiring: tuple[WiredSlot, ...]
    schedules: tuple[Schedule, ...]
    connections: tuple[Connection, ...]
    agent_names: dict[str, str] = field(default_factory=dict)
    sub_agents: tuple[Agent, ...] = ()
    name_shared: bool = False
    """Another live assignment has its name (import then pins ``metadata.id``)."""

    @property
    def folder_path(self) -> tuple[str, ...]:
        """Its folder's path of names (``()``: the root)."""
        return self.tree.path_of(self.agent.folder_id)


@dataclass
class ConnectionView:
    """One live connection and its header names (``credentials`` None: it has none)."""

    connection: Connection
    credentials: ConnectionCredentials | None


@dataclass
class FolderView:
    """One live folder, the whole tree it sits in, and the assignments directly in it."""

    folder: FolderListItem
    tree: FolderTree
    assignments: tuple[Agent, ...]


def _ambiguous(kind: str, name: str, described: Sequence[str]) -> AddressError:
    listed = "\n".join(f"  - {item}" for item in described)
    return AddressError(
        f"{len(described)} live {kind.lower()}s are called {quote(name)}; show one by its id "
        f"({kind}/ID):\n{listed}",
        described,
    )


def _unknown(kind: str, ref: str, names: Sequence[str]) -> AddressError:
    hint = did_you_mean(ref, names)
    return AddressError(f"no live {kind.lower()} is called {quote(ref)}{hint}", names)


async def find_assignment(
    client: DuvoClient, address: Address, index: NameIndex, *, refresh: bool = False
) -> Agent:
    """The live assignment ``address`` names (by id directly, by name through ``index``).

    ``AddressError`` when none has that id or name, or several have that name.
    """
    if address.is_id:
        try:
            return await client.get_agent(address.ref)
        except NotFoundError:
            raise AddressError(f"no live assignment has the id {address.ref}") from None
    name = address.ref
    ids = () if refresh else index.ids_named(name)
    if ids:
        try:
            found = await gather(client.get_agent(ident) for ident in ids)
        except NotFoundError:
            found = []
        if found and all(agent.name == name for agent in found):
            index.remember(found)
            if len(found) == 1:
                return found[0]
            raise _ambiguous("Assignment", name, [_describe(agent) for agent in found])
    listed = await client.list_agents()
    index.replace(listed)
    index.save()
    named = [agent for agent in listed if agent.name == name]
    if not named:
        raise _unknown("Assignment", name, index.names())
    if len(named) > 1:
        raise _ambiguous("Assignment", name, [_describe(agent) for agent in named])
    return named[0]


def _describe(agent: Agent) -> str:
    created = f", created {agent.created_at}" if agent.created_at else ""
    return f"{agent.id}{created}"


async def read_assignment(
    client: DuvoClient, agent: Agent, index: NameIndex, *, with_folders: bool = False
) -> AssignmentView:
    """Everything ``show`` prints about ``agent`` (see the module docstring for the reads).

    ``with_folders`` reads the folder list even for an assignment at the root (a diff against
    manifests needs it).
    """
    connections: tuple[Connection, ...] = ()
    folders: list[FolderListItem] = []
    async with task_group() as group:
        builds_task = group.create_task(client.list_builds(agent.id))
        schedules_task = group.create_task(client.list_schedules(agent.id))
        folders_task = (
            group.create_task(client.list_folders())
            if agent.folder_id is not None or with_folders
            else None
        )
        connections_task = (
            group.create_task(client.list_connections()) if agent.integration_configs else None
        )
    builds = tuple(builds_task.result())
    if folders_task is not None:
        folders = folders_task.result()
    if connections_task is not None:
        connections = tuple(connections_task.result())
    live = pick_live_build(builds) or agent.latest_build
    wiring: tuple[WiredSlot, ...] = ()
    if live is not None:
        latest = agent.latest_build
        if latest is not None and latest.id == live.id:
            slots = slots_from_configs(agent.integration_configs)
        else:
            slots = slots_from_list(await client.list_slots(agent.id, live.id))
        if slots and connections_task is None:
            connections = tuple(await client.list_connections())
        if slots:
            wiring = await read_wiring(client, agent.id, live.id, slots, connections)
    sub_agents = await _sub_agents(client, live, index)
    names = {ident: name for ident in _sub_agent_ids(live) if (name := index.name_of(ident))}
    names.update({a.id: a.name for a in sub_agents})
    names[agent.id] = agent.name
    await _know_team_names(client, agent, live, index)
    for target in parse_handover(live.name if live is not None else None) or ():
        names.update(dict.fromkeys(index.ids_named(target)[:1], target))
    return AssignmentView(
        agent=agent,
        tree=FolderTree(folders),
        builds=builds,
        live_build=live,
        wiring=wiring,
        schedules=tuple(schedules_task.result()),
        connections=connections,
        agent_names=names,
        sub_agents=sub_agents,
        name_shared=len(index.ids_named(agent.name)) > 1,
    )


async def _know_team_names(
    client: DuvoClient, agent: Agent, build: Build | None, index: NameIndex
) -> None:
    """Make the index know the handover targets the build lists, with one listing when it
    does not: ``import`` names a handover target only when it is live, and ``show`` writes
    the same document. (Whether another assignment shares the name, for which import pins
    ``metadata.id``, is taken from the index too: a show by id must not list the team.)"""
    targets = parse_handover(build.name if build is not None else None) or ()
    if all(index.ids_named(target) for target in targets):
        return
    listed = await client.list_agents()
    index.replace(listed)
    index.remember([agent])


def _sub_agent_ids(build: Build | None) -> tuple[str, ...]:
    if build is not None and isinstance(build.config, BuildConfigV2):
        return tuple(build.config.data.sub_agents)
    return ()


async def _sub_agents(
    client: DuvoClient, build: Build | None, index: NameIndex
) -> tuple[Agent, ...]:
    """The sub-agents the index cannot name, read one by one (gone ones left out)."""
    unknown = [ident for ident in _sub_agent_ids(build) if index.name_of(ident) is None]

    async def one(ident: str) -> Agent | None:
        try:
            return await client.get_agent(ident)
        except NotFoundError:
            return None

    found = [agent for agent in await gather(one(ident) for ident in unknown) if agent]
    index.remember(found)
    return tuple(found)


async def read_connection(client: DuvoClient, address: Address) -> ConnectionView:
    """The live connection ``address`` names, and its header names when it has headers."""
    if address.is_id:
        try:
            connection = await client.get_connection(address.ref)
        except NotFoundError:
            raise AddressError(f"no live connection has the id {address.ref}") from None
    else:
        listed = await client.list_connections()
        named = [c for c in listed if c.name == address.ref]
        if not named:
            raise _unknown("Connection", address.ref, [c.name for c in listed])
        if len(named) > 1:
            described = [f"{c.id} ({c.type or 'unknown type'})" for c in named]
            raise _ambiguous("Connection", address.ref, described)
        connection = named[0]
    credentials = None
    if connection.has_headers:
        credentials = await client.get_credentials(connection.id)
    return ConnectionView(connection, credentials)


async def read_folder(client: DuvoClient, address: Address) -> FolderView:
    """The live folder ``address`` names (id, name, or path) and the assignments in it."""
    tree = FolderTree(await client.list_folders())
    paths = {folder.id: "/".join(tree.path_of(folder.id)) for folder in tree.folders}
    ref = address.ref.strip("/")
    found = [f for f in tree.folders if address.ref == f.id] or [
        f for f in tree.folders if paths[f.id] == ref
    ]
    if not found:
        found = [f for f in tree.folders if f.name == address.ref]
    if not found:
        raise _unknown("Folder", address.ref, [*paths.values(), *(f.name for f in tree.folders)])
    if len(found) > 1:
        raise _ambiguous("Folder", address.ref, [f"{f.id} ({paths[f.id]})" for f in found])
    folder = found[0]
    assignments: tuple[Agent, ...] = ()
    if folder.agent_count is None or folder.agent_count > 0:
        listed = await client.list_agents()
        assignments = tuple(a for a in listed if a.folder_id == folder.id)
    return FolderView(folder, tree, assignments)
