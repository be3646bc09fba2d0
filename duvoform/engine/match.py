"""Identity matching: which live object (if any) each manifest describes (DESIGN §4).

duvoform keeps no state file, so every plan matches manifests to live objects afresh:

- **Assignment, Connection**: ``metadata.id`` pins one live object (a pinned id that is not
  live is an error). Otherwise exactly one live object with the manifest's name matches; two or
  more is ``AmbiguousIdentityError`` (pin one with ``metadata.id``); none: each of
  ``previous_names`` is tried (one match: a rename; several: ambiguous); else a create.
- **Folder**: identity is the path of names from the root. In order: a pinned id; the live
  folder at the same path; the live child of the (matched) desired parent with the same name
  (the parent itself was renamed or moved); then, for folders that should exist, a uniquely
  named unclaimed live folder elsewhere (a re-parent); a previous name under the desired parent,
  or unique elsewhere (a rename, perhaps with a re-parent); else a create. Structural matches
  are tried for every folder before any "elsewhere" match, so that a folder never takes a live
  folder another manifest describes exactly.

A previous name wins over the current name when both are held live by distinct objects and
no manifest declares the previous one: the manifest describes the object it renames, not a
colleague's object that happens to have the new name; the rename onto that live name is then
refused by ``duvoform.engine.safety``, naming both.

A live object is claimed by at most one manifest; what no manifest claims is *unmanaged*
(reported, never changed, unless ``--prune`` deletes it). Every problem is collected and
raised at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from duvoform.api.models import Agent, FolderListItem
from duvoform.api.models import Connection as LiveConnection
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveState
from duvoform.errors import AmbiguousIdentityError, PlanError, Problem, ProblemCollector
from duvoform.kinds import Assignment, Connection, Folder, Resource
from duvoform.kinds.registry import home
from duvoform.text import quote

__all__ = ["How", "Match", "Matches", "match"]


How = Literal["id", "path", "name", "moved", "previous_name", "none"]
"""How a manifest found its live object: pinned ``id``, same ``path`` (folders), same
``name``, ``moved`` (a folder found under another parent), ``previous_name`` (a rename),
or ``none`` (nothing live: a create, or already absent)."""


@dataclass(frozen=True)
class Match:
    """One manifest and the live object it describes (``live_id`` None: nothing live)."""

    resource: Resource
    address: str
    live_id: str | None
    how: How


@dataclass
class Matches:
    """Every manifest's match, by address, and the live objects nobody claimed."""

    by_address: dict[str, Match] = field(default_factory=dict)
    unmanaged_agents: tuple[Agent, ...] = ()
    unmanaged_folders: tuple[FolderListItem, ...] = ()
    unmanaged_connections: tuple[LiveConnection, ...] = ()
    _by_live_id: dict[str, str] | None = field(default=None, repr=False, compare=False)

    def get(self, address: str) -> Match | None:
        """The match of the manifest at ``address``."""
        return self.by_address.get(address)

    def live_id(self, address: str) -> str | None:
        """The live id the manifest at ``address`` matched, or None."""
        found = self.by_address.get(address)
        return found.live_id if found is not None else None

    def address_of(self, live_id: str) -> str | None:
        """The address of the manifest that claimed the live object ``live_id``, if any."""
        if self._by_live_id is None:
            self._by_live_id = {
                m.live_id: a for a, m in self.by_address.items() if m.live_id is not None
            }
        return self._by_live_id.get(live_id)

    def ids(self) -> dict[str, str]:
        """``{address: live id}`` for every manifest that matched a live object."""
        return {a: m.live_id for a, m in self.by_address.items() if m.live_id is not None}


def match(desired: DesiredState, live: LiveState) -> Matches:
    """Match every manifest to its live object; raise ``PlanError`` listing every problem.

    ``AmbiguousIdentityError`` when the only problems are ambiguous names; a plain
    ``PlanError`` when a pinned id is not live.
    """
    matcher = _Matcher(desired, live)
    matcher.folders()
    matcher.named(desired.of_kind(Assignment.KIND), live.agents)
    matcher.named(desired.of_kind(Connection.KIND), live.connections)
    matcher.raise_problems()
    claimed = matcher.claimed
    return Matches(
        by_address=matcher.found,
        unmanaged_agents=tuple(a for a in live.agents if a.id not in claimed),
        unmanaged_folders=tuple(f for f in live.folders.folders if f.id not in claimed),
        unmanaged_connections=tuple(c for c in live.connections if c.id not in claimed),
    )


class _Matcher:
    def __init__(self, desired: DesiredState, live: LiveState) -> None:
        self.desired = desired
        self.live = live
        self.found: dict[str, Match] = {}
        self.claimed: set[str] = set()
        self.problems = ProblemCollector()
        self.ambiguous_only = True

    # -- shared ---------------------------------------------------------------------------

    def claim(self, resource: Resource, live_id: str | None, how: How) -> None:
        if live_id is not None:
            self.claimed.add(live_id)
        address = self.desired.address(resource)
        self.found[address] = Match(resource, address, live_id, how)

    def pinned(self, resource: Resource, exists: Callable[[str], bool]) -> bool:
        """Claim the pinned id; True when the resource had a pin (good or bad)."""
        if resource.metadata.id is None:
            return False
        live_id = str(resource.metadata.id)
        if not exists(live_id):
            self._bad_pin(
                resource,
                f"metadata.id: no live {resource.KIND} has the id {live_id} "
                "(it was deleted, or belongs to another team); remove the pin to match by name",
            )
        elif live_id in self.claimed:
            self._bad_pin(
                resource,
                f"metadata.id: the live {resource.KIND} {live_id} is already matched by "
                "another manifest",
            )
        else:
            self.claim(resource, live_id, "id")
        return True

    def _bad_pin(self, resource: Resource, reason: str) -> None:
        """A pin that matches nothing: a problem at ``metadata.id``, and no match."""
        self.ambiguous_only = False
        self.problems.add(
            self.desired.manifests.locate(resource, ("metadata", "id")), reason, resource.label
        )
        self.claim(resource, None, "none")

    def ambiguous(self, resource: Resource, name: str, ids: Iterable[str], where: str) -> None:
        listed = sorted(ids)
        self.problems.add(
            self.desired.manifests.locate(resource, ("metadata", "name")),
            f"{len(listed)} live {_plural(resource.KIND)} {where} {quote(name)} "
            f"({', '.join(listed)}); pin the one this manifest describes with metadata.id",
            resource.label,
        )

    def raise_problems(self) -> None:
        if not self.problems:
            return
        problems: Sequence[Problem] = sorted(
            self.problems.problems,
            key=lambda p: (str(p.location) if p.location else "", p.address or ""),
        )
        if self.ambiguous_only:
            raise AmbiguousIdentityError(problems)
        raise PlanError(problems)

    # -- assignments and connections --------------------------------------------------------

    def named(
        self, resources: Sequence[Resource], objects: Sequence[Agent] | Sequence[LiveConnection]
    ) -> None:
        by_id = {o.id for o in objects}
        by_name: dict[str, list[str]] = {}
        for o in objects:
            by_name.setdefault(o.name, []).append(o.id)

        def named(name: str) -> list[str]:
            return by_name.get(name, [])

        waiting: list[Resource] = []
        for resource in resources:
            if not self.pinned(resource, lambda i: i in by_id):
                waiting.append(resource)
        later: list[Resource] = []
        for resource in waiting:
            candidates = [i for i in named(resource.name) if i not in self.claimed]
            if len(candidates) == 1:
                held = self.held_previous(resource, named)
                if held is not None:
                    self.claim(resource, held, "previous_name")
                else:
                    self.claim(resource, candidates[0], "name")
            elif len(candidates) > 1:
                self.ambiguous(resource, resource.name, candidates, "are named")
                self.claim(resource, None, "none")
            else:
                later.append(resource)
        for resource in later:
            self.previous(resource, named)

    def held_previous(self, resource: Resource, named: Callable[[str], list[str]]) -> str | None:
        """The one unclaimed live object with a previous name of ``resource`` that no manifest
        declares, when another live object already has its name: the manifest describes the
        object it renames (so the rename onto a live name is refused by the safety rails), not
        the other object that happens to have the new name."""
        if resource.ensure != "present":
            return None
        for old in resource.metadata.previous_names:
            if self.desired.get(resource.KIND, old) is not None:
                continue
            candidates = [i for i in named(old) if i not in self.claimed]
            if len(candidates) == 1:
                return candidates[0]
        return None

    def previous(self, resource: Resource, named: Callable[[str], list[str]]) -> None:
        if resource.ensure == "present":
            for old in resource.metadata.previous_names:
                candidates = [i for i in named(old) if i not in self.claimed]
                if len(candidates) == 1:
                    self.claim(resource, candidates[0], "previous_name")
                    return
                if len(candidates) > 1:
                    self.ambiguous(resource, old, candidates, "have the previous name")
                    self.claim(resource, None, "none")
                    return
        self.claim(resource, None, "none")

    # -- folders ------------------------------------------------------------------------------

    def folders(self) -> None:
        tree = self.live.folders
        order = [f for f in self.desired.folders_in_parent_order()]
        pending: list[Folder] = []
        for folder in order:
            if not self.pinned(folder, lambda i: i in tree.by_id):
                pending.append(folder)
        # Exact paths first, for every folder, so that nothing below can take them.
        rest: list[Folder] = []
        declared = {self.desired.folder_path(f) for f in order}
        for folder in pending:
            path = self.desired.folder_path(folder)
            candidates = [f.id for f in tree.find(path) if f.id not in self.claimed]
            if len(candidates) == 1:
                held = self.held_previous_path(folder, path, declared)
                if held is not None:
                    self.claim(folder, held, "previous_name")
                else:
                    self.claim(folder, candidates[0], "path")
            elif len(candidates) > 1:
                self.ambiguous(folder, "/".join(path), candidates, "are at the path")
                self.claim(folder, None, "none")
            else:
                rest.append(folder)
        while rest:
            progress = False
            for folder in list(rest):
                if self.structural(folder):
                    rest.remove(folder)
                    progress = True
            if progress:
                continue
            for folder in list(rest):
                if self.elsewhere(folder):
                    rest.remove(folder)
                    progress = True
                    break
            if not progress:
                break
        for folder in rest:
            self.claim(folder, None, "none")

    def held_previous_path(
        self, folder: Folder, path: tuple[str, ...], declared: set[tuple[str, ...]]
    ) -> str | None:
        """As ``held_previous``, for a folder whose path another live folder has: the one
        unclaimed live sibling with a previous name that no manifest declares."""
        if folder.ensure != "present":
            return None
        for old in folder.metadata.previous_names:
            old_path = (*path[:-1], old)
            if old_path in declared:
                continue
            candidates = [
                f.id for f in self.live.folders.find(old_path) if f.id not in self.claimed
            ]
            if len(candidates) == 1:
                return candidates[0]
        return None

    def _parent_id(self, folder: Folder) -> tuple[bool, str | None]:
        """(whether the desired parent's live id is known, that id; None: the root)."""
        parent = self.desired.parent_of(folder)
        if parent is None:
            return True, None
        found = self.found.get(self.desired.address(parent))
        if found is None or found.live_id is None:
            return False, None
        return True, found.live_id

    def _children(self, parent_id: str | None, name: str) -> list[str]:
        return [
            f.id
            for f in self.live.folders.children(parent_id)
            if f.name == name and f.id not in self.claimed
        ]

    def structural(self, folder: Folder) -> bool:
        """Match under the desired parent's live folder, by name then previous names."""
        known, parent_id = self._parent_id(folder)
        if not known:
            return False
        names: list[tuple[str, How]] = [(folder.name, "path")]
        if folder.ensure == "present":
            names += [(old, "previous_name") for old in folder.metadata.previous_names]
        for name, how in names:
            candidates = self._children(parent_id, name)
            if len(candidates) == 1:
                self.claim(folder, candidates[0], how)
                return True
            if len(candidates) > 1:
                self.ambiguous(folder, name, candidates, "under the same parent are named")
                self.claim(folder, None, "none")
                return True
        return False

    def elsewhere(self, folder: Folder) -> bool:
        """A uniquely named unclaimed live folder anywhere (re-parent, maybe rename)."""
        if folder.ensure != "present":
            return False
        names: list[tuple[str, How]] = [(folder.name, "moved")]
        names += [(old, "previous_name") for old in folder.metadata.previous_names]
        for name, how in names:
            candidates = [
                f.id
                for f in self.live.folders.folders
                if f.name == name and f.id not in self.claimed
            ]
            if len(candidates) == 1:
                self.claim(folder, candidates[0], how)
                return True
        return False


def _plural(kind: str) -> str:
    found = home(kind)
    return found.plural if found is not None else f"{kind} objects"
