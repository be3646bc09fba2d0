"""What every kind's differ shares: the inputs, the result being built, and small helpers.

A differ reads ``Context.desired``, ``Context.live`` and ``Context.matches`` and appends to
``Context.result``. The safety rails (protected objects, renames onto live names, non-empty
folders, mass deletes) are checked on the whole plan by ``duvoform.engine.safety``; a refusal that
only a differ can see goes to ``DiffResult.safety`` with the address it is about, and the
pipeline raises it with the rails' own, once ``--target`` has narrowed the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveState
from duvoform.engine.match import Matches
from duvoform.engine.pins import pinned_by_agent
from duvoform.engine.plan import Action, Change
from duvoform.engine.steps import Op, Step
from duvoform.errors import Location, Problem
from duvoform.kinds import Resource
from duvoform.kinds.registry import requests_of

__all__ = [
    "Context",
    "DiffOptions",
    "DiffResult",
    "StepList",
]


@dataclass(frozen=True)
class DiffOptions:
    """Choices that change what a plan may do.

    ``prune``: delete live objects of the kinds ``duvoform.yaml`` puts in prune scope that no
    manifest declares. ``allow_mass_delete``: pass the mass-delete threshold.
    ``allow_nonempty_folder_delete``: delete folders that still hold assignments (they move to
    the root) or undeclared subfolders. ``rotate_secrets``: send the secret header values of
    custom MCP connections again (True: every connection; a set: the connections so named).
    ``allow_duplicate``: create an assignment next to an unmanaged one that looks like it
    (``duvoform.kinds.assignment.duplicates``). ``known_names``: ``id -> name`` of the team's
    assignments as the local name index last saw them.
    """

    prune: bool = False
    allow_mass_delete: bool = False
    allow_nonempty_folder_delete: bool = False
    rotate_secrets: bool | frozenset[str] = False
    allow_duplicate: bool = False
    known_names: Mapping[str, str] = field(default_factory=dict, compare=False)


@dataclass
class DiffResult:
    """The changes (not yet ordered), and what the plan read and expects.

    ``ids``: address -> live id, the executor's id map seed (``"<address>@build"`` -> the live
    build id). ``read``: ``(kind, live id)`` of every live object the diff compared, to be
    fingerprinted. ``expected_absent``: ``{"kind", "name"|"path"}`` of every object the plan
    expects not to exist (creates, and ``ensure: absent`` objects already gone). ``safety``:
    the refusals only a differ can see (a create that would duplicate a live assignment), each
    with the address of its change.
    """

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    read: set[tuple[str, str]] = field(default_factory=set)
    expected_absent: list[dict[str, str]] = field(default_factory=list)
    safety: list[tuple[str, Problem]] = field(default_factory=list)


class StepList:
    """The steps of one change, numbered ``<address>#1``, ``#2``, ... in order."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.items: list[Step] = []

    def add(self, op: Op, params: dict[str, Any], after: Iterable[str] = ()) -> Step:
        """Append a step and return it."""
        step = Step(
            id=f"{self.address}#{len(self.items) + 1}",
            op=op,
            address=self.address,
            params=params,
            after=tuple(after),
        )
        self.items.append(step)
        return step

    def __bool__(self) -> bool:
        return bool(self.items)

    def tuple(self) -> tuple[Step, ...]:
        """The steps so far."""
        return tuple(self.items)


@dataclass
class Context:
    """The inputs of one diff and the result it builds."""

    desired: DesiredState
    live: LiveState
    matches: Matches
    options: DiffOptions
    result: DiffResult = field(default_factory=DiffResult)

    def address(self, resource: Resource) -> str:
        """``Kind/identity`` of a manifest."""
        return self.desired.address(resource)

    _actions: dict[str, dict[Action, Change]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def pinned(self) -> dict[str, frozenset[str]]:
        """Live assignment id -> the ids of the connections its live build is pinned to, for
        every assignment where the plan's reads tell (``pins.pinned_by_agent``); worked out
        once per plan, after the reads."""
        return pinned_by_agent(self.live)

    @cached_property
    def pinned_to(self) -> dict[str, list[str]]:
        """Connection id -> the names of the live assignments pinned to it, sorted."""
        names: dict[str, set[str]] = {}
        for agent in self.live.agents:
            for connection_id in self.pinned.get(agent.id, ()):
                names.setdefault(connection_id, set()).add(agent.name)
        return {ident: sorted(found) for ident, found in names.items()}

    def live_id(self, address: str) -> str | None:
        """The live id the manifest at ``address`` matched (None: not live yet)."""
        return self.matches.live_id(address)

    def folder_path(self, folder_id: str | None) -> str | None:
        """A live folder's path (``Finance/Accounts Payable``); None for the root.

        A folder id that is not in the folder list shows as ``(folder <id>)``.
        """
        if folder_id is None:
            return None
        if self.live.folders.get(folder_id) is None:
            return f"(folder {folder_id})"
        return "/".join(self.live.folders.path_of(folder_id))

    def live_folder_parent(self, folder_id: str) -> str | None:
        """A live folder's parent id, None for the root (or a parent not in the list)."""
        folder = self.live.folders.get(folder_id)
        if folder is None or self.live.folders.get(folder.parent_folder_id) is None:
            return None
        return folder.parent_folder_id

    def add(self, change: Change) -> None:
        """Record one change, listing the routes its steps write (from the operations table,
        so that a plan's ``requests`` cannot disagree with what apply sends)."""
        change = replace(change, requests=requests_of(change.steps))
        self.result.changes.append(change)
        self._actions.setdefault(change.address, {}).setdefault(change.action, change)

    def change_of(self, address: str, action: Action) -> Change | None:
        """The first change recorded for ``address`` with ``action`` (None: there is none)."""
        return self._actions.get(address, {}).get(action)

    def read(self, kind: str, live_id: str | None) -> None:
        """Record that the diff compared this live object (it gets a fingerprint)."""
        if live_id is not None:
            self.result.read.add((kind, live_id))

    def refuse(
        self,
        address: str,
        location: Location | None,
        reason: str,
        label: str | None = None,
    ) -> None:
        """Record a refusal only a differ can see, about the change at ``address`` (the rails
        about the whole plan are ``duvoform.engine.safety``'s)."""
        self.result.safety.append((address, Problem(location, (reason,), label)))
