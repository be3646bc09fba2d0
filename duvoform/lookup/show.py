"""``show`` as one library call: read one live object, map it to a manifest document, and
compare it with its manifest when manifests are given.

``show_object`` resolves the address (a manifest's pinned ``metadata.id`` reads the object
directly; an assignment's name goes through the local name index, which it then saves), makes
the kind's reads (``duvoform.lookup.reads``), maps what was read as ``import`` would
(``assignment_document``, ``connection_document``, ``folder_document``), compares it
(``duvoform.lookup.compare``) and gathers its facts (``duvoform.lookup.facts``): values only,
for ``duvoform.render.show`` to print.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duvoform.api.client import DuvoClient
from duvoform.kinds import Assignment, CustomMcpConnectionSpec
from duvoform.kinds import Connection as ConnectionKind
from duvoform.kinds.assignment.mapping import assignment_document
from duvoform.kinds.connection.mapping import connection_document
from duvoform.kinds.document import Document, Skipped
from duvoform.kinds.folder.mapping import folder_document, folder_ref
from duvoform.lookup.address import Address
from duvoform.lookup.compare import (
    Comparison,
    compare_assignment,
    compare_connection,
    compare_folder,
)
from duvoform.lookup.facts import facts_of
from duvoform.lookup.index import NameIndex
from duvoform.lookup.reads import (
    AssignmentView,
    ConnectionView,
    FolderView,
    find_assignment,
    read_assignment,
    read_connection,
    read_folder,
)
from duvoform.manifest import Manifests

__all__ = ["Shown", "View", "show_object"]

View = AssignmentView | ConnectionView | FolderView


@dataclass(frozen=True)
class Shown:
    """What one ``show`` read: the object, its manifest mapping, the comparison with its
    manifest (None without manifests), its facts, and how many API requests it took."""

    view: View
    document: Document | Skipped
    comparison: Comparison | None
    facts: dict[str, Any]
    requests: int


async def show_object(
    client: DuvoClient,
    address: Address,
    manifests: Manifests | None,
    *,
    state_dir: Path,
    api_url: str,
    refresh: bool = False,
) -> Shown:
    """Read the object at ``address`` (see the module docstring); ``refresh`` re-reads an
    assignment's name instead of trusting the name index of ``api_url`` in ``state_dir``."""
    started = client.request_count
    pinned = None if address.is_id else _pinned_id(manifests, address.kind, address.ref)
    if pinned is not None:
        address = Address(address.kind, pinned)
    declared = None
    view: View
    if address.kind == Assignment.KIND:
        index = NameIndex.load(state_dir, api_url)
        agent = await find_assignment(client, address, index, refresh=refresh)
        view = aview = await read_assignment(
            client, agent, index, with_folders=manifests is not None
        )
        index.save()
        document = assignment_document(
            agent,
            aview.live_build,
            folder=folder_ref(aview.tree, agent.folder_id),
            agent_names=aview.agent_names,
            wiring=aview.wiring,
            schedules=aview.schedules,
            pin_id=aview.name_shared,
        )
        comparison = compare_assignment(manifests, aview) if manifests is not None else None
    elif address.kind == ConnectionKind.KIND:
        view = cview = await read_connection(client, address)
        document, _variables = connection_document(cview.connection, cview.credentials)
        comparison = compare_connection(manifests, cview) if manifests is not None else None
        declared = _declared_headers(manifests, cview.connection.name)
    else:
        view = fview = await read_folder(client, address)
        document = folder_document(fview.folder, fview.tree)
        comparison = compare_folder(manifests, fview) if manifests is not None else None
    facts = facts_of(view, declared)
    return Shown(view, document, comparison, facts, client.request_count - started)


def _pinned_id(manifests: Manifests | None, kind: str, name: str) -> str | None:
    """A manifest's ``metadata.id`` for ``kind``/``name``: the object can be read directly."""
    if manifests is None:
        return None
    for resource in manifests.of_kind(kind):
        if resource.name == name and resource.metadata.id is not None:
            return str(resource.metadata.id)
    return None


def _declared_headers(manifests: Manifests | None, name: str) -> dict[str, str] | None:
    """The headers the manifest of connection ``name`` declares, and whether each is secret."""
    if manifests is None:
        return None
    for resource in manifests.of_kind(ConnectionKind.KIND):
        if resource.name == name and isinstance(resource, ConnectionKind):
            spec = resource.spec
            if isinstance(spec, CustomMcpConnectionSpec):
                declared = {header: "plaintext" for header in spec.headers.plaintext}
                declared.update({header: "secret" for header in spec.headers.secret})
                return declared
    return None
