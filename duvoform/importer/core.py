"""``import``: a live Duvo team -> clean manifest files.

::

    client ─read_import_source─▶ ImportSource (LiveState + credentials + wiring)
           ─plan_import(options)─▶ ImportResult (files, notes, secret variables, skipped)
           ─write_import(out, force)─▶ files on disk

**Requests.** The live read is ``read_live_state`` with schedules: 1 (folders) + one per 100
assignments + one per 100 connections, the schedules embedded in the assignment list. Then one
``GET .../credentials`` per connection that has headers (their names; secret values never
leave the API), and pins only where they cannot be inferred (see ``export.wiring``), plus the
builds of an assignment whose newest build is not the live one. A team of 1,000 assignments,
all with a live newest build and unambiguous wiring, costs 12 requests plus one per connection
with headers.

**Selection.** ``kinds`` limits the kinds written. ``folders`` (names or paths) limits folders
and assignments to those subtrees; the folders above a chosen one are written too, so that
its ``parent`` resolves. Connections are not in folders: ``folders`` does not limit them.

**Names.** Manifests identify assignments and connections by name and folders by path, so
when several live objects share one, only the oldest is imported, pinned with
``metadata.id``; the others are reported (rename them in Duvo, then import again). A folder
that is not imported takes its subfolders and assignments with it. References to objects
that are not imported (a sub-agent in another folder with ``folders``, a connection with
``kinds``) keep their names and are listed in a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from duvoform.api.client import DuvoClient
from duvoform.api.models import Agent, ConnectionCredentials
from duvoform.api.tasks import gather
from duvoform.engine.live import FolderTree, LiveQuery, LiveState, read_live_state
from duvoform.errors import DuvoformError, UsageError
from duvoform.importer.folders import parents_first, select_folders, subtrees, with_ancestors
from duvoform.importer.layout import OutputFile, layout
from duvoform.kinds import Assignment, Folder
from duvoform.kinds import Connection as ConnectionKind
from duvoform.kinds.assignment.mapping import HANDOVER_NOTE, assignment_document
from duvoform.kinds.assignment.slots import WiredSlot, read_wiring, slots_from_configs
from duvoform.kinds.connection.mapping import SecretVariable, connection_document, flavour
from duvoform.kinds.document import Document, Skipped
from duvoform.kinds.folder.mapping import folder_document, folder_ref
from duvoform.kinds.names import UniqueNames
from duvoform.text import quote

__all__ = [
    "KINDS",
    "ImportOptions",
    "ImportResult",
    "ImportSource",
    "plan_import",
    "read_import_source",
    "select_folders",
    "write_import",
]

KINDS: tuple[str, ...] = (Folder.KIND, Assignment.KIND, ConnectionKind.KIND)


@dataclass(frozen=True)
class ImportOptions:
    """``kinds``: the kinds to write (empty: all). ``folders``: folder names or paths whose
    subtrees to write (empty: every folder)."""

    kinds: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()

    def wants(self, kind: str) -> bool:
        """True when documents of ``kind`` are written."""
        return not self.kinds or kind in self.kinds


@dataclass
class ImportSource:
    """Everything an import reads from the API."""

    live: LiveState
    credentials: dict[str, ConnectionCredentials] = field(default_factory=dict)
    wiring: dict[str, tuple[WiredSlot, ...]] = field(default_factory=dict)
    requests: int = 0


@dataclass(frozen=True)
class ImportResult:
    """The files of an import and what the user must know about them."""

    files: tuple[OutputFile, ...]
    documents: tuple[Document, ...]
    skipped: tuple[Skipped, ...]
    notes: tuple[str, ...]
    variables: tuple[SecretVariable, ...]
    requests: int = 0

    def count(self, kind: str) -> int:
        """How many documents of ``kind`` were written."""
        return sum(1 for document in self.documents if document.kind == kind)


async def read_import_source(client: DuvoClient, options: ImportOptions) -> ImportSource:
    """Read what an import of ``options`` needs (see the module docstring for the cost)."""
    started = client.request_count
    wants_assignments = options.wants(Assignment.KIND)
    live = await read_live_state(client, LiveQuery(schedules=wants_assignments))
    source = ImportSource(live)
    if options.wants(ConnectionKind.KIND):
        with_headers = [c for c in live.connections if c.has_headers and flavour(c) == "custom_mcp"]
        found = await gather(client.get_credentials(c.id) for c in with_headers)
        source.credentials = {c.id: creds for c, creds in zip(with_headers, found, strict=True)}
    if wants_assignments:
        agents = [a for a in live.agents if _needs_wiring(live, a)]
        wired = await gather(_wiring(client, live, agent) for agent in agents)
        source.wiring = {a.id: w for a, w in zip(agents, wired, strict=True)}
    source.requests = client.request_count - started
    return source


def _needs_wiring(live: LiveState, agent: Agent) -> bool:
    build = live.live_build(agent.id)
    if build is None:
        return False
    latest = agent.latest_build
    return not (latest is not None and latest.id == build.id) or bool(agent.integration_configs)


async def _wiring(client: DuvoClient, live: LiveState, agent: Agent) -> tuple[WiredSlot, ...]:
    build = live.live_build(agent.id)
    assert build is not None  # _needs_wiring checked
    latest = agent.latest_build
    embedded = latest is not None and latest.id == build.id
    slots = slots_from_configs(agent.integration_configs) if embedded else None
    return await read_wiring(client, agent.id, build.id, slots, live.connections)


def _oldest_first(items: Iterable[tuple[str, str]]) -> tuple[set[str], dict[str, list[str]]]:
    """(ids to import, name -> every id) for ``(identity, id)`` pairs in creation order."""
    by_identity: dict[str, list[str]] = {}
    for identity, ident in items:
        by_identity.setdefault(identity, []).append(ident)
    return {ids[0] for ids in by_identity.values()}, by_identity


def _duplicate(kind: str, name: str, ident: str, ids: list[str]) -> Skipped:
    return Skipped(
        kind,
        name,
        ident,
        f"{len(ids)} live objects are called {quote(name)} ({', '.join(ids)}) and a manifest "
        f"names one; only the oldest, {ids[0]}, was imported (pinned with metadata.id): rename "
        "the others in Duvo and import again",
    )


def plan_import(source: ImportSource, options: ImportOptions) -> ImportResult:
    """The files, notes and variables of an import (pure: no request, no file written)."""
    live = source.live
    tree = live.folders
    skipped: list[Skipped] = []
    notes: list[str] = []
    scope = select_folders(tree, options.folders) if options.folders else None

    # Folders: identity is the path; a folder is importable when its parent is.
    firsts, by_path = _oldest_first(
        ("/".join(tree.path_of(f.id)), f.id) for f in parents_first(tree)
    )
    folder_docs: dict[str, Document] = {}
    for folder in parents_first(tree):
        path = "/".join(tree.path_of(folder.id))
        parent = folder.parent_folder_id
        parent_ok = parent not in tree.by_id or parent in folder_docs
        if folder.id not in firsts:
            skipped.append(_duplicate(Folder.KIND, path, folder.id, by_path[path]))
            continue
        if not parent_ok:
            skipped.append(Skipped(Folder.KIND, path, folder.id, "its parent was not imported"))
            continue
        made = folder_document(folder, tree, pin_id=len(by_path[path]) > 1)
        if isinstance(made, Skipped):
            skipped.append(made)
        else:
            folder_docs[folder.id] = made

    # Connections: identity is the name.
    conn_firsts, conn_by_name = _oldest_first((c.name, c.id) for c in live.connections)
    conn_docs: dict[str, Document] = {}
    variables: list[SecretVariable] = []
    names = UniqueNames("_")
    for connection in live.connections:
        if connection.id not in conn_firsts:
            dupes = conn_by_name[connection.name]
            skipped.append(_duplicate(ConnectionKind.KIND, connection.name, connection.id, dupes))
            continue
        credentials = source.credentials.get(connection.id)
        made, secrets = connection_document(
            connection,
            credentials if options.wants(ConnectionKind.KIND) else None,
            variables=names,
            pin_id=len(conn_by_name[connection.name]) > 1,
        )
        if isinstance(made, Skipped):
            skipped.append(made)
        else:
            conn_docs[connection.id] = made
            variables.extend(secrets)

    # Assignments: identity is the name; a second pass drops sub-agents that were skipped.
    agent_firsts, agent_by_name = _oldest_first((a.name, a.id) for a in live.agents)
    agent_names = {a.id: a.name for a in live.agents if a.id in agent_firsts}
    connection_names = {ident: doc.name for ident, doc in conn_docs.items()}
    assignment_docs: dict[str, Document] = {}
    for _pass in range(2):
        assignment_docs = {}
        agent_skips: list[Skipped] = []
        for agent in live.agents:
            one: Document | Skipped | None = _assignment(
                agent, agent_firsts, agent_by_name, folder_docs, tree
            )
            if one is None:
                one = assignment_document(
                    agent,
                    live.live_build(agent.id),
                    folder=folder_ref(tree, agent.folder_id),
                    agent_names=agent_names,
                    connection_names=connection_names,
                    wiring=source.wiring.get(agent.id, ()),
                    schedules=live.schedules.get(agent.id, ()),
                    pin_id=len(agent_by_name[agent.name]) > 1,
                )
            if isinstance(one, Skipped):
                agent_skips.append(one)
            else:
                assignment_docs[agent.id] = one
        dropped = {s.live_id for s in agent_skips} & set(agent_names)
        if not dropped:
            break
        agent_names = {i: n for i, n in agent_names.items() if i not in dropped}
    skipped.extend(agent_skips)

    # Selection.
    if scope is not None:
        keep = with_ancestors(tree, scope)
        folder_docs = {i: d for i, d in folder_docs.items() if i in keep}
        in_scope = {a.id for a in live.agents if a.folder_id in scope}
        assignment_docs = {i: d for i, d in assignment_docs.items() if i in in_scope}
    chosen_folders = folder_docs if options.wants(Folder.KIND) else {}
    chosen_agents = assignment_docs if options.wants(Assignment.KIND) else {}
    chosen_conns = conn_docs if options.wants(ConnectionKind.KIND) else {}
    if not options.wants(ConnectionKind.KIND):
        variables = []

    documents = [*chosen_folders.values(), *chosen_agents.values(), *chosen_conns.values()]
    for document in documents:
        notes.extend(document.notes)
    notes.extend(_outside(chosen_agents.values(), chosen_folders, chosen_conns, options, tree))
    if chosen_agents:
        notes.append(HANDOVER_NOTE)
    trees = subtrees(tree, chosen_folders)
    files = layout(trees, list(chosen_agents.values()), list(chosen_conns.values()))
    wanted_skips = [s for s in skipped if options.wants(s.kind)]
    return ImportResult(
        files=tuple(files),
        documents=tuple(documents),
        skipped=tuple(wanted_skips),
        notes=tuple(notes),
        variables=tuple(variables),
        requests=source.requests,
    )


def _assignment(
    agent: Agent,
    firsts: set[str],
    by_name: dict[str, list[str]],
    folder_docs: dict[str, Document],
    tree: FolderTree,
) -> Skipped | None:
    if agent.id not in firsts:
        return _duplicate(Assignment.KIND, agent.name, agent.id, by_name[agent.name])
    if agent.folder_id in tree.by_id and agent.folder_id not in folder_docs:
        path = "/".join(tree.path_of(agent.folder_id))
        return Skipped(
            Assignment.KIND, agent.name, agent.id, f"its folder {quote(path)} was not imported"
        )
    return None


def _outside(
    assignments: Iterable[Document],
    folders: dict[str, Document],
    connections: dict[str, Document],
    options: ImportOptions,
    tree: FolderTree,
) -> list[str]:
    """Notes for references to objects this import does not write."""
    folder_names = {d.name for d in folders.values()} | {
        d.data["metadata"]["name"] for d in folders.values()
    }
    connection_names = {d.name for d in connections.values()}
    written = {d.name for d in assignments}
    missing: dict[str, set[str]] = {}
    for document in assignments:
        spec = document.data["spec"]
        build = spec["build"]
        refs = [(Folder.KIND, spec["folder"])] if "folder" in spec else []
        refs += [(Assignment.KIND, name) for name in build.get("sub_agents", ())]
        refs += [(Assignment.KIND, name) for name in build.get("handover_to", ())]
        refs += [(ConnectionKind.KIND, name) for name in build.get("connections", ())]
        for kind, name in refs:
            known = {Folder.KIND: folder_names, Assignment.KIND: written}.get(
                kind, connection_names
            )
            if name not in known:
                missing.setdefault(f"{kind}/{name}", set()).add(document.address)
    return [
        f"{target} is referred to by {', '.join(sorted(by))} but was not imported "
        "(import it too, or keep its manifest next to these)"
        for target, by in sorted(missing.items())
    ]


def write_import(result: ImportResult, out: Path, *, force: bool = False) -> list[Path]:
    """Write the files of ``result`` under ``out``; refuse to overwrite unless ``force``.

    Nothing is written when any file exists and ``force`` is not set (``UsageError`` naming
    them). A file that cannot be written (a read-only directory, a file where a directory
    should be) is a ``DuvoformError`` naming it. Returns the paths written.
    """
    targets = [(out / Path(*f.path.parts), f) for f in result.files]
    if not force:
        existing = [path for path, _ in targets if path.exists()]
        if existing:
            shown = ", ".join(str(p) for p in existing[:5])
            more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
            raise UsageError(
                f"{len(existing)} file{'s' if len(existing) != 1 else ''} already exist "
                f"({shown}{more}); nothing was written. Pass --force to overwrite them, or "
                "choose another --out directory"
            )
    written: list[Path] = []
    for path, file in targets:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.text.encode("utf-8"))
        except OSError as exc:
            if isinstance(exc, FileExistsError | NotADirectoryError):
                reason = "a file stands where a directory should be"
            else:
                reason = exc.strerror or str(exc)
            done = (
                f"{len(written)} of the {len(targets)} files were written before it"
                if written
                else "nothing was written"
            )
            raise DuvoformError(f"cannot write {path}: {reason}; {done}") from None
        written.append(path)
    return written
