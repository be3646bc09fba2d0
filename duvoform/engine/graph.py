"""The desired state as a graph: resources indexed by identity, references resolved.

::

    Folder (root) ◀─parent── Folder ◀─parent── Folder
         ▲                      ▲
         └──────folder──── Assignment ──connections──▶ Connection
                            │     ▲
                            └─────┘  sub_agents, handover_to (cycles allowed)

Arrows point from the referrer to what it needs first: create and update top-down (parents,
then folders' assignments, referenced assignments and connections first), delete bottom-up.
Cycles between assignments are allowed (the plan creates them bare and builds them after);
folder parent cycles are not.

Identity: a folder is identified by its path of names from the root (``Finance/Accounts
Payable``), every other kind by its name. Folder references (``spec.parent``,
``spec.folder``) are a folder's name when that name is unique, or its full path otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from duvoform.errors import Location, ProblemCollector
from duvoform.kinds import Folder, Reference, Resource
from duvoform.kinds.base import FieldPath, format_field
from duvoform.kinds.folder.model import PATH_SEPARATOR
from duvoform.manifest.load import Manifests
from duvoform.text import did_you_mean, quote

__all__ = ["DesiredState", "ResolvedReference"]


@dataclass(frozen=True)
class ResolvedReference:
    """A reference and the resource it resolved to."""

    reference: Reference
    target: Resource


class DesiredState:
    """Every declared resource, indexed by ``(kind, identity)``, with references resolved.

    Build it with ``DesiredState.build(manifests)``, which raises ``ManifestError`` listing
    every unknown or ambiguous reference, duplicate identity and folder parent cycle.
    """

    def __init__(self, manifests: Manifests) -> None:
        self.manifests = manifests
        self.resources: tuple[Resource, ...] = manifests.resources
        self._index: dict[tuple[str, str], Resource] = {}
        self._paths: dict[int, tuple[str, ...]] = {}
        self._parents: dict[int, Folder | None] = {}
        self._references: dict[int, tuple[ResolvedReference, ...]] = {}
        self._folders_by_name: dict[str, list[Folder]] = defaultdict(list)

    @classmethod
    def build(cls, manifests: Manifests) -> DesiredState:
        """Index and resolve ``manifests``; raise ``ManifestError`` with every problem."""
        state = cls(manifests)
        problems = ProblemCollector()
        _Builder(state, problems).run()
        problems.raise_manifest_error()
        return state

    # -- lookups -------------------------------------------------------------------------

    def identity(self, resource: Resource) -> str:
        """A folder's path (``Finance/Accounts Payable``), or any other resource's name."""
        if isinstance(resource, Folder):
            return PATH_SEPARATOR.join(self.folder_path(resource))
        return resource.name

    def address(self, resource: Resource) -> str:
        """``Kind/identity``, e.g. ``Folder/Finance/Accounts Payable``, ``Assignment/X``."""
        return f"{resource.KIND}/{self.identity(resource)}"

    def get(self, kind: str, name: str) -> Resource | None:
        """The resource ``kind`` called ``name`` (for folders: a unique name, or a path)."""
        found = self._index.get((kind, name))
        if found is None and kind == Folder.KIND and PATH_SEPARATOR not in name:
            candidates = self._folders_by_name.get(name, [])
            found = candidates[0] if len(candidates) == 1 else None
        return found

    def of_kind(self, kind: str) -> tuple[Resource, ...]:
        """Every resource of ``kind``, in file order."""
        return tuple(r for r in self.resources if r.kind == kind)

    def folder_path(self, folder: Folder) -> tuple[str, ...]:
        """The names from the root down to ``folder`` (inclusive)."""
        return self._paths.get(id(folder), (folder.name,))

    def parent_of(self, folder: Folder) -> Folder | None:
        """The parent folder, or None for a root folder."""
        return self._parents.get(id(folder))

    def folder_of(self, resource: Resource) -> Folder | None:
        """The folder an assignment lives in (None: the root)."""
        for ref in self.references_of(resource):
            if ref.reference.role == "folder" and isinstance(ref.target, Folder):
                return ref.target
        return None

    def folders_in_parent_order(self) -> tuple[Folder, ...]:
        """Every folder, parents before children (by depth, then path)."""
        folders = [r for r in self.resources if isinstance(r, Folder)]
        return tuple(sorted(folders, key=lambda f: (len(self.folder_path(f)), self.folder_path(f))))

    def references_of(self, resource: Resource) -> tuple[ResolvedReference, ...]:
        """Every reference ``resource`` makes, resolved, in document order."""
        return self._references.get(id(resource), ())

    def dependencies_of(self, resource: Resource) -> tuple[Resource, ...]:
        """The distinct resources ``resource`` refers to (parent folder, folder, ...)."""
        seen: dict[int, Resource] = {}
        for ref in self.references_of(resource):
            seen.setdefault(id(ref.target), ref.target)
        return tuple(seen.values())


class _Builder:
    """Fills one ``DesiredState``; every problem goes to the collector."""

    def __init__(self, state: DesiredState, problems: ProblemCollector) -> None:
        self.state = state
        self.problems = problems
        self.folders = [r for r in state.resources if isinstance(r, Folder)]
        self.resolving: set[int] = set()
        self.unresolved: set[int] = set()

    def run(self) -> None:
        for folder in self.folders:
            self.state._folders_by_name[folder.name].append(folder)
        for folder in self.folders:
            self.parent(folder)
        cyclic = self.report_cycles()
        for folder in self.folders:
            if not self.reaches(folder, cyclic):
                self.path(folder)
        self.index()
        self.check_previous_names()
        self.check_pinned_ids()
        self.resolve_references()

    # -- folders -------------------------------------------------------------------------

    def parent(self, folder: Folder) -> Folder | None:
        key = id(folder)
        if key in self.state._parents:
            return self.state._parents[key]
        if key in self.resolving or key in self.unresolved:
            return None
        self.resolving.add(key)
        ref = folder.spec.parent
        target = None if ref is None else self.find_folder(ref)
        self.resolving.discard(key)
        if ref is not None and target is None:
            self.unresolved.add(key)
            return None
        self.state._parents[key] = target
        return target

    def find_folder(self, ref: str) -> Folder | None:
        """The folder ``ref`` names, if exactly one (problems are reported elsewhere)."""
        if PATH_SEPARATOR not in ref:
            candidates = self.state._folders_by_name.get(ref, [])
            return candidates[0] if len(candidates) == 1 else None
        parts = ref.split(PATH_SEPARATOR)
        level = [f for f in self.state._folders_by_name.get(parts[0], []) if f.spec.parent is None]
        for part in parts[1:]:
            ids = {id(f) for f in level}
            level = [
                f
                for f in self.state._folders_by_name.get(part, [])
                if (parent := self.parent(f)) is not None and id(parent) in ids
            ]
        return level[0] if level else None

    def report_cycles(self) -> set[int]:
        cyclic: set[int] = set()
        for folder in self.folders:
            chain: list[Folder] = []
            current: Folder | None = folder
            while current is not None and id(current) not in cyclic:
                if any(current is seen for seen in chain):
                    loop = chain[next(i for i, f in enumerate(chain) if f is current) :]
                    cyclic.update(id(f) for f in loop)
                    first = min(loop, key=lambda f: f.location)
                    start = loop.index(first)
                    names = [f.name for f in loop[start:] + loop[:start]] + [first.name]
                    self.problems.add(
                        self.locate(first, ("spec", "parent")),
                        "spec.parent: folder parents form a cycle: "
                        + " -> ".join(quote(n) for n in names),
                        first.label,
                    )
                    break
                chain.append(current)
                current = self.state._parents.get(id(current))
        return cyclic

    def reaches(self, folder: Folder, cyclic: set[int]) -> bool:
        """Whether ``folder`` or one of its parents is in a cycle (it then has no path)."""
        current: Folder | None = folder
        seen: set[int] = set()
        while current is not None and id(current) not in seen:
            if id(current) in cyclic:
                return True
            seen.add(id(current))
            current = self.state._parents.get(id(current))
        return current is not None

    def path(self, folder: Folder) -> tuple[str, ...]:
        key = id(folder)
        known = self.state._paths.get(key)
        if known is None:
            parent = self.state._parents.get(key)
            known = (*self.path(parent), folder.name) if parent is not None else (folder.name,)
            self.state._paths[key] = known
        return known

    # -- identities ----------------------------------------------------------------------

    def index(self) -> None:
        for resource in self.state.resources:
            key = (resource.KIND, self.state.identity(resource))
            first = self.state._index.get(key)
            if first is None:
                self.state._index[key] = resource
                continue
            self.problems.add(
                self.locate(resource, ("metadata", "name")),
                f"metadata.name: {resource.KIND} {quote(key[1])} is declared twice "
                f"(first at {first.location})",
                resource.label,
            )

    def check_previous_names(self) -> None:
        claimed: dict[tuple[str, str], Resource] = {}
        for resource in self.state.resources:
            for index, old in enumerate(resource.metadata.previous_names):
                key = (resource.KIND, self.sibling_identity(resource, old))
                where: FieldPath = ("metadata", "previous_names", index)
                holder = self.state._index.get(key)
                other = claimed.get(key)
                if holder is not None and holder is not resource:
                    reason = f"is the name of another {resource.KIND} (at {holder.location})"
                elif holder is resource:
                    reason = "is this resource's own name"
                elif other is not None:
                    reason = f"is also a previous name of {other.label} (at {other.location})"
                else:
                    claimed[key] = resource
                    continue
                self.problems.add(
                    self.locate(resource, where),
                    f"{format_field(where)}: {quote(old)} {reason}",
                    resource.label,
                )

    def sibling_identity(self, resource: Resource, name: str) -> str:
        if isinstance(resource, Folder):
            return PATH_SEPARATOR.join((*self.state.folder_path(resource)[:-1], name))
        return name

    def check_pinned_ids(self) -> None:
        pinned: dict[tuple[str, str], Resource] = {}
        for resource in self.state.resources:
            if resource.metadata.id is None:
                continue
            key = (resource.KIND, str(resource.metadata.id))
            other = pinned.setdefault(key, resource)
            if other is not resource:
                self.problems.add(
                    self.locate(resource, ("metadata", "id")),
                    f"metadata.id: the same id is pinned by {other.label} (at {other.location})",
                    resource.label,
                )

    # -- references ----------------------------------------------------------------------

    def resolve_references(self) -> None:
        for resource in self.state.resources:
            resolved: list[ResolvedReference] = []
            for ref in resource.references():
                target = self.resolve(resource, ref)
                if target is not None:
                    resolved.append(ResolvedReference(ref, target))
            self.state._references[id(resource)] = tuple(resolved)

    def resolve(self, resource: Resource, ref: Reference) -> Resource | None:
        if ref.kind == Folder.KIND:
            target: Resource | None = self.folder_reference(resource, ref)
        else:
            target = self.state._index.get((ref.kind, ref.name))
            if target is None:
                names = [r.name for r in self.state.resources if r.kind == ref.kind]
                self.fail(
                    resource,
                    ref,
                    f"no {ref.kind} named {quote(ref.name)}" + did_you_mean(ref.name, names),
                )
                return None
        if target is None:
            return None
        if target is resource and ref.role != "parent":
            self.fail(resource, ref, f"{resource.label} cannot refer to itself")
            return None
        if target.ensure == "absent" and resource.ensure == "present":
            self.fail(
                resource,
                ref,
                f"{target.label} is marked 'ensure: absent' (at {target.location}), "
                "so nothing can refer to it",
            )
            return None
        return target

    def folder_reference(self, resource: Resource, ref: Reference) -> Folder | None:
        if ref.role == "parent" and isinstance(resource, Folder):
            parent = self.state._parents.get(id(resource))
            if parent is not None:
                return parent
        if PATH_SEPARATOR not in ref.name:
            candidates = self.state._folders_by_name.get(ref.name, [])
            if len(candidates) > 1:
                paths = sorted(PATH_SEPARATOR.join(self.state.folder_path(f)) for f in candidates)
                self.fail(
                    resource,
                    ref,
                    f"folder name {quote(ref.name)} is ambiguous; write its path: "
                    + ", ".join(quote(p) for p in paths),
                )
                return None
            if len(candidates) == 1:
                return candidates[0]
        else:
            found = self.state._index.get((Folder.KIND, ref.name))
            if isinstance(found, Folder):
                return found
        options = [f.name for f in self.folders] + [
            PATH_SEPARATOR.join(self.state.folder_path(f)) for f in self.folders
        ]
        self.fail(resource, ref, f"no Folder {quote(ref.name)}" + did_you_mean(ref.name, options))
        return None

    def fail(self, resource: Resource, ref: Reference, reason: str) -> None:
        self.problems.add(
            self.locate(resource, ref.field), f"{ref.field_label}: {reason}", resource.label
        )

    def locate(self, resource: Resource, path: FieldPath) -> Location:
        return self.state.manifests.locate(resource, path)
