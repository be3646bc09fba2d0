"""Steps: the API operations a plan will make, as serialisable data.

Each ``Change`` (one resource) compiles to one or more ``Step`` values; the executor runs the
steps of a plan as a DAG (``Step.after``). A step names other resources by *address*
(``{"$ref": "Assignment/Vendor lookup"}``), because at plan time a resource that is about to be
created has no id yet. The executor keeps an address -> id map, seeded from the live state the
plan read and filled in by creates, and resolves references just before each request. The id of
a build a step creates is kept under ``"<address>@build"``.

Secret values never appear in a step: a secret header is ``{"$secret": {"env": "NAME"}}`` (or
``{"file": PATH}``, with PATH relative to the manifest root), resolved by the executor just
before the request is sent, and forgotten after. So a step, a plan file and a journal line can
never hold a secret.

Operations and their parameters (``ref`` = ``{"$ref": address}``)::

    folder.create      name, parent: ref|None                         -> id of address
    folder.update      folder: ref, [name], [parent: ref|None]
    folder.delete      folder: ref, force: bool
    agent.create       name, build: {name, config}, [flags: {...}]    -> id, "<address>@build"
                       (flags the create body cannot set are PATCHed right after)
    agent.update       agent: ref, fields: {name?, slack_enabled?, ...}
    agents.move        agents: [ref], folder: ref|None                (one request per folder)
    build.create       agent: ref, name, config, handover_targets: [ref],
                       [revision_name], [revision_description],
                       [source_build: id]                             -> "<address>@build"
                       (promoted when the new build is not live; ``source_build`` is sent
                       as ``source_build_id`` so that the new build keeps the integration
                       slots and pins of the build it replaces)
    build.update       build: ref|id, [revision_name], [revision_description]
    build.promote      agent: ref, build: id, number: int|None,
                       [revision_name], [revision_description]       -> "<address>@build"
                       (makes an existing build live again: the one whose digest is the
                       desired build's; the labels go with the promote; a 409 from a build
                       that is live already is success)
    build.wire         agent: ref, build: ref, integrations: [str|ref],
                       pins: [{integration, connection: ref}],
                       [remove: [integration id]]                     (the slots of those
                       integrations are removed from the build first, with every pin on them)
    connection.create  body (with $secret markers), [shared]          -> id of address
    connection.update  connection: ref, body (with $secret markers)
    connection.delete  connection: ref
    connection.authorize   flow, provider/server_url/...              (manual: reported as pending)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "REF",
    "SECRET",
    "Op",
    "Step",
    "build_key",
    "plan_digest",
    "ref",
    "ref_target",
    "refs_in",
    "resolve",
    "secret",
    "secrets_in",
]

REF = "$ref"
SECRET = "$secret"

JSON = Any


class Op(StrEnum):
    """The operations a step can make; see the module docstring for their parameters."""

    FOLDER_CREATE = "folder.create"
    FOLDER_UPDATE = "folder.update"
    FOLDER_DELETE = "folder.delete"
    AGENT_CREATE = "agent.create"
    AGENT_UPDATE = "agent.update"
    AGENTS_MOVE = "agents.move"
    BUILD_CREATE = "build.create"
    BUILD_UPDATE = "build.update"
    BUILD_PROMOTE = "build.promote"
    BUILD_WIRE = "build.wire"
    CONNECTION_CREATE = "connection.create"
    CONNECTION_UPDATE = "connection.update"
    CONNECTION_DELETE = "connection.delete"
    CONNECTION_AUTHORIZE = "connection.authorize"


@dataclass(frozen=True)
class Step:
    """One API operation (possibly a few requests) for one resource.

    ``id`` is unique within a plan (``"<address>#<n>"``); ``after`` lists the ids of the steps
    that must succeed first. A step whose dependency failed is skipped.
    """

    id: str
    op: Op
    address: str
    params: Mapping[str, JSON]
    after: tuple[str, ...] = ()

    def to_json(self) -> dict[str, JSON]:
        """The plan-file form."""
        return {
            "id": self.id,
            "op": self.op.value,
            "address": self.address,
            "params": dict(self.params),
            "after": list(self.after),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, JSON]) -> Step:
        """Read a step back from its plan-file form (``KeyError``/``ValueError`` if malformed)."""
        return cls(
            id=str(data["id"]),
            op=Op(data["op"]),
            address=str(data["address"]),
            params=dict(data["params"]),
            after=tuple(str(item) for item in data.get("after", ())),
        )

    def references(self) -> frozenset[str]:
        """Every address this step's parameters refer to."""
        return frozenset(refs_in(self.params))


def ref(address: str) -> dict[str, str]:
    """A reference to the live id of the resource at ``address``."""
    return {REF: address}


def build_key(address: str) -> str:
    """The id-map key of the build a step created for the assignment at ``address``."""
    return f"{address}@build"


def secret(reference: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """A marker for a secret value, given its manifest reference (``{"env": NAME}``)."""
    return {SECRET: dict(reference)}


def ref_target(value: JSON) -> str | None:
    """The address a ``{"$ref": address}`` marker names, or None for any other value; the
    one place that recognises the marker."""
    if isinstance(value, Mapping) and len(value) == 1 and REF in value:
        return str(value[REF])
    return None


def _walk(value: JSON) -> Iterator[JSON]:
    yield value
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)


def _is_marker(value: JSON, key: str) -> bool:
    return isinstance(value, Mapping) and len(value) == 1 and key in value


def refs_in(value: JSON) -> set[str]:
    """Every address referenced anywhere inside ``value`` (a loop, not generators: the
    planner runs it for every step of a plan)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        target = ref_target(item)
        if target is not None:
            found.add(target)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found


def secrets_in(value: JSON) -> Iterator[Mapping[str, str]]:
    """Every secret reference anywhere inside ``value``."""
    for item in _walk(value):
        if _is_marker(item, SECRET):
            yield item[SECRET]


def resolve(
    value: JSON,
    ids: Mapping[str, str],
    reveal: Callable[[Mapping[str, str]], str] | None = None,
) -> JSON:
    """Replace references by live ids and (when ``reveal`` is given) secrets by their values.

    Raises ``KeyError`` naming the address when a referenced resource has no id yet (its
    create failed or was skipped), and ``ValueError`` for a secret when ``reveal`` is None.
    """
    target = ref_target(value)
    if target is not None:
        return ids[target]
    if _is_marker(value, SECRET):
        if reveal is None:
            raise ValueError("a secret value is needed but no secret resolver was given")
        return reveal(value[SECRET])
    if isinstance(value, Mapping):
        return {key: resolve(item, ids, reveal) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolve(item, ids, reveal) for item in value]
    return value


def plan_digest(steps: Sequence[Step], ids: Mapping[str, str]) -> str:
    """sha256 of the canonical JSON of a plan's steps and the id map they start from: the
    same plan (file) always has the same digest, whatever order the ids came in; any change
    to what it would do, or to the live objects it names, changes it. It never holds a
    secret value, only references."""
    doc = {"steps": [step.to_json() for step in steps], "ids": dict(sorted(ids.items()))}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
