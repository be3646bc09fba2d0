"""``LiveState``: everything a plan needs from the Duvo API, read with the fewest requests.

Always read, all at once: the folder list (one request), the assignment list (pages of 100,
each assignment with its ``latest_build``), and the connection list. Then, only where needed:

- the builds of an assignment whose latest build is not live (to find the live one), and of
  those ``LiveQuery.builds_for`` asks about (a build to promote instead of making a new one);
- the credential header names of the connections a manifest declares headers for;
- the slots of the live build, and the caller's pins on each slot, of the assignments a
  manifest asks about. When the live build is the latest one, its slots come embedded in the
  assignment list (``integration_configs``, with ``is_connected``: whether the caller pinned
  anything), and no request is needed: a slot that is not connected has no pin of the
  caller's, and a connected slot whose integration matches exactly one visible connection
  (its ``custom_integration_id``, else ``integration_id``) is taken to be pinned to that one
  (**inferred**: a pin is always of a connection of the slot's integration). Only a connected
  slot with several such connections, or none, has its pins read. Otherwise (the live build
  is not the latest, or the list embeds no slots) the slots are listed and every pin read;
- schedules, when asked: embedded in the assignment list (``include_schedules=true``), and
  read per assignment only when the API did not embed them. Where the API embeds them is a
  guess: on the agent (``schedules``) or, as the emulator does, on its ``latest_build``; the
  latter shows the caller's schedules made against the latest build only.

For a team whose assignments all have a live latest build that is 1 + ceil(assignments / 100)
+ ceil(connections / 100) requests (each list at least one): 12 for 1,000 assignments and up
to 100 connections. ``LiveState.requests`` says how many the read took.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

from duvoform.api.client import DuvoClient
from duvoform.api.models import (
    Agent,
    Build,
    Connection,
    ConnectionCredentials,
    FolderListItem,
    Pin,
    Schedule,
    Slot,
)
from duvoform.api.tasks import gather, task_group

__all__ = [
    "FolderTree",
    "LiveQuery",
    "LiveState",
    "build_order",
    "embedded_schedules",
    "pick_live_build",
    "read_live_state",
]


@dataclass(frozen=True)
class LiveQuery:
    """What a plan needs beyond the lists that are always read.

    ``credentials_for``: connection names (or ids) whose credential header names are needed
    (connections whose manifests declare headers). ``slots_for``: assignment names (or ids)
    whose live build's slots and pins are needed. ``schedules``: read schedules too.
    ``builds_for``: whether to list the builds of an assignment whose latest build is live
    (the others' are listed anyway); a kind's differ decides (it looks for a build to promote).
    """

    credentials_for: frozenset[str] = frozenset()
    slots_for: frozenset[str] = frozenset()
    schedules: bool = False
    builds_for: Callable[[Agent], bool] | None = field(default=None, compare=False)


class FolderTree:
    """The team's folders as a tree; a folder's path is its names from the root down."""

    def __init__(self, folders: Iterable[FolderListItem]) -> None:
        self.folders: tuple[FolderListItem, ...] = tuple(folders)
        self.by_id: dict[str, FolderListItem] = {f.id: f for f in self.folders}
        self._children: dict[str | None, list[FolderListItem]] = {}
        for folder in self.folders:
            parent = folder.parent_folder_id if folder.parent_folder_id in self.by_id else None
            self._children.setdefault(parent, []).append(folder)
        self._paths: dict[str, tuple[str, ...]] = {}
        self._by_path: dict[tuple[str, ...], list[FolderListItem]] = {}
        for folder in self.folders:
            self._by_path.setdefault(self.path_of(folder.id), []).append(folder)

    def __len__(self) -> int:
        return len(self.folders)

    def get(self, folder_id: str | None) -> FolderListItem | None:
        """The folder with this id, or None (also for the root, ``None``)."""
        return self.by_id.get(folder_id) if folder_id is not None else None

    def children(self, folder_id: str | None) -> tuple[FolderListItem, ...]:
        """The direct subfolders of a folder (``None``: the root's top-level folders)."""
        return tuple(self._children.get(folder_id, ()))

    def path_of(self, folder_id: str | None) -> tuple[str, ...]:
        """The names from the root down to this folder; ``()`` for the root or an unknown id.

        A parent that is not in the list (or a cycle, which the API should never return)
        ends the path there, as if that folder sat at the root.
        """
        if folder_id is None or folder_id not in self.by_id:
            return ()
        if folder_id in self._paths:
            return self._paths[folder_id]
        names: list[str] = []
        seen: set[str] = set()
        current: str | None = folder_id
        while current is not None and current in self.by_id and current not in seen:
            seen.add(current)
            folder = self.by_id[current]
            names.append(folder.name)
            current = folder.parent_folder_id
        path = tuple(reversed(names))
        self._paths[folder_id] = path
        return path

    def find(self, path: Sequence[str]) -> tuple[FolderListItem, ...]:
        """Every folder at ``path`` (more than one when siblings share a name)."""
        return tuple(self._by_path.get(tuple(path), ()))


def build_order(build: Build) -> tuple[float, str]:
    """How builds sort, oldest first: by revision number, then creation time."""
    return (float(build.revision_number or 0), build.created_at or "")


def _newest(builds: Iterable[Build]) -> Build | None:
    return max(builds, key=build_order, default=None)


def pick_live_build(builds: Iterable[Build]) -> Build | None:
    """The live build (``status == "live"``), else the newest one, else None."""
    listed = list(builds)
    live = [build for build in listed if build.is_live]
    return _newest(live) if live else _newest(listed)


@dataclass(repr=False)
class LiveState:
    """The team's live objects as one plan reads them (see the module docstring)."""

    folders: FolderTree
    agents: tuple[Agent, ...]
    connections: tuple[Connection, ...]
    builds: dict[str, tuple[Build, ...]] = field(default_factory=dict)
    credentials: dict[str, ConnectionCredentials] = field(default_factory=dict)
    slots: dict[tuple[str, str], tuple[Slot, ...]] = field(default_factory=dict)
    pins: dict[tuple[str, str, str], tuple[Pin, ...]] = field(default_factory=dict)
    schedules: dict[str, tuple[Schedule, ...]] = field(default_factory=dict)
    requests: int = 0

    def __post_init__(self) -> None:
        self._agents = {agent.id: agent for agent in self.agents}
        self._connections = {conn.id: conn for conn in self.connections}
        self._agents_named: dict[str, list[Agent]] = {}
        for agent in self.agents:
            self._agents_named.setdefault(agent.name, []).append(agent)
        self._connections_named: dict[str, list[Connection]] = {}
        for conn in self.connections:
            self._connections_named.setdefault(conn.name, []).append(conn)
        self._of_integration: dict[str, list[str]] = {}
        for conn in self.connections:
            for integration in {conn.custom_integration_id, conn.integration_id}:
                if integration is not None:
                    self._of_integration.setdefault(integration, []).append(conn.id)

    def __repr__(self) -> str:
        # Short on purpose: a value returned through ``asyncio.run`` (import's, through its
        # ImportSource) has its repr formatted on the way out, and a field-by-field repr of
        # every live object of a large team costs seconds.
        return (
            f"<LiveState: {len(self.folders)} folders, {len(self.agents)} assignments, "
            f"{len(self.connections)} connections>"
        )

    def agent(self, agent_id: str) -> Agent | None:
        """The assignment with this id, if it exists."""
        return self._agents.get(agent_id)

    def agents_named(self, name: str) -> tuple[Agent, ...]:
        """Every assignment with this display name (names are not unique in the API)."""
        return tuple(self._agents_named.get(name, ()))

    def connection(self, connection_id: str) -> Connection | None:
        """The connection with this id, if it exists."""
        return self._connections.get(connection_id)

    def integration_connections(self, integration_id: str | None) -> Sequence[str]:
        """The ids of the connections whose ``custom_integration_id`` or ``integration_id`` is
        ``integration_id`` (none for ``None``), in list order."""
        if integration_id is None:
            return ()
        return self._of_integration.get(integration_id, ())

    def connections_named(self, name: str) -> tuple[Connection, ...]:
        """Every connection with this name."""
        return tuple(self._connections_named.get(name, ()))

    def latest_build(self, agent_id: str) -> Build | None:
        """The assignment's newest build (which may be an unpromoted draft)."""
        agent = self._agents.get(agent_id)
        if agent is not None and agent.latest_build is not None:
            return agent.latest_build
        return _newest(self.builds.get(agent_id, ()))

    def live_build(self, agent_id: str) -> Build | None:
        """The build jobs run: the live one, else the newest; None when there is none."""
        agent = self._agents.get(agent_id)
        if agent is None:
            return None
        if agent.latest_build is not None and agent.latest_build.is_live:
            return agent.latest_build
        listed = self.builds.get(agent_id)
        if listed:
            return pick_live_build(listed)
        return agent.latest_build


def _matches(names_or_ids: frozenset[str], name: str, ident: str) -> bool:
    return name in names_or_ids or ident in names_or_ids


async def read_live_state(client: DuvoClient, query: LiveQuery | None = None) -> LiveState:
    """Read the live state a plan needs (see the module docstring for what and how)."""
    query = query or LiveQuery()
    started = client.request_count
    async with task_group() as group:
        folders_task = group.create_task(client.list_folders())
        agents_task = group.create_task(client.list_agents(include_schedules=query.schedules))
        connections_task = group.create_task(client.list_connections())
    state = LiveState(
        folders=FolderTree(folders_task.result()),
        agents=tuple(agents_task.result()),
        connections=tuple(connections_task.result()),
    )
    reads: list[Awaitable[None]] = []
    for agent in state.agents:
        if query.builds_for is not None and _latest_is_live(agent) and query.builds_for(agent):
            reads.append(_read_builds(client, state, agent.id))
        if not _agent_needs_reads(agent, query):
            continue
        latest = agent.latest_build
        if _slots_listed(agent, query) and latest is not None:
            # The common case needs no task: the slots are in the list, and pins are read
            # only where they cannot be inferred.
            unknown = _embedded_slots(state, agent, latest.id)
            if unknown:
                reads.append(_read_pins(client, state, agent.id, latest.id, unknown))
        else:
            reads.append(_read_agent(client, state, agent, query))
    reads += [
        _read_credentials(client, state, conn.id)
        for conn in state.connections
        if _matches(query.credentials_for, conn.name, conn.id)
    ]
    await gather(reads)
    state.requests = client.request_count - started
    return state


def embedded_schedules(agent: Agent) -> list[Schedule] | None:
    """The schedules the assignment list embedded for ``agent``, or None when it sent none."""
    if agent.schedules is not None:
        return agent.schedules
    latest = agent.latest_build
    if latest is not None and "schedules" in latest.model_fields_set:
        return latest.schedules
    return None


def _agent_needs_reads(agent: Agent, query: LiveQuery) -> bool:
    latest_live = agent.latest_build is not None and agent.latest_build.is_live
    return not latest_live or query.schedules or _matches(query.slots_for, agent.name, agent.id)


def _slots_listed(agent: Agent, query: LiveQuery) -> bool:
    """True when all ``_read_agent`` would do is take the live build's slots from the list:
    no schedules wanted, the latest build is live and the list embeds its slots."""
    latest = agent.latest_build
    return (
        not query.schedules
        and latest is not None
        and latest.is_live
        and "integration_configs" in agent.model_fields_set
        and _matches(query.slots_for, agent.name, agent.id)
    )


async def _read_agent(client: DuvoClient, state: LiveState, agent: Agent, query: LiveQuery) -> None:
    async with task_group() as group:
        if query.schedules:
            embedded = embedded_schedules(agent)
            if embedded is None:
                group.create_task(_read_schedules(client, state, agent.id))
            else:
                state.schedules[agent.id] = tuple(embedded)
        if agent.latest_build is None or not agent.latest_build.is_live:
            state.builds[agent.id] = tuple(await client.list_builds(agent.id))
        if _matches(query.slots_for, agent.name, agent.id):
            live = state.live_build(agent.id)
            latest = agent.latest_build
            listed = "integration_configs" in agent.model_fields_set
            if live is not None and listed and latest is not None and latest.id == live.id:
                unknown = _embedded_slots(state, agent, live.id)
                await _read_pins(client, state, agent.id, live.id, unknown)
            elif live is not None:
                await _read_slots(client, state, agent.id, live.id)


def _latest_is_live(agent: Agent) -> bool:
    return agent.latest_build is not None and agent.latest_build.is_live


async def _read_builds(client: DuvoClient, state: LiveState, agent_id: str) -> None:
    state.builds[agent_id] = tuple(await client.list_builds(agent_id))


async def _read_schedules(client: DuvoClient, state: LiveState, agent_id: str) -> None:
    state.schedules[agent_id] = tuple(await client.list_schedules(agent_id))


async def _read_credentials(client: DuvoClient, state: LiveState, connection_id: str) -> None:
    state.credentials[connection_id] = await client.get_credentials(connection_id)


def _embedded_slots(state: LiveState, agent: Agent, build_id: str) -> list[Slot]:
    """The latest build's slots from the list, with the pins that can be inferred; returns
    the slots whose pins must be read."""
    slots = tuple(
        Slot.model_construct(
            id=config.id,
            integration_id=config.integration_id,
            integration_type=config.integration_type,
            integration_name=config.integration_name,
            created_at=config.created_at,
        )
        for config in agent.integration_configs
    )
    state.slots[(agent.id, build_id)] = slots
    unknown: list[Slot] = []
    for slot, config in zip(slots, agent.integration_configs, strict=True):
        key = (agent.id, build_id, slot.id)
        found = state.integration_connections(slot.integration_id)
        if config.is_connected is False:
            state.pins[key] = ()
        elif config.is_connected and len(found) == 1:
            state.pins[key] = (Pin.model_construct(connection_id=found[0]),)
        else:
            unknown.append(slot)
    return unknown


async def _read_pins(
    client: DuvoClient, state: LiveState, agent_id: str, build_id: str, slots: Sequence[Slot]
) -> None:
    pins = await gather(client.list_pins(agent_id, build_id, slot.id) for slot in slots)
    for slot, slot_pins in zip(slots, pins, strict=True):
        state.pins[(agent_id, build_id, slot.id)] = tuple(slot_pins)


async def _read_slots(client: DuvoClient, state: LiveState, agent_id: str, build_id: str) -> None:
    slots = tuple(await client.list_slots(agent_id, build_id))
    state.slots[(agent_id, build_id)] = slots
    await _read_pins(client, state, agent_id, build_id, slots)
