"""Safety rails: what a plan may not do, checked on the plan itself before anything is written.

``check(plan, desired, live, ...)`` is a pure function from a plan (already narrowed by
``--target``, so that a refusal elsewhere does not block a targeted plan) and what it was made
from to every rule the plan breaks; ``enforce`` raises them all at once as one ``SafetyError``.
The pipeline calls it for every plan, so ``plan`` and ``apply`` refuse alike, before any write.

=========================  ===============================================  =====================
rule                       refused when the plan ...                         passed by
=========================  ===============================================  =====================
protected                  deletes or renames an object whose manifest       nothing
                           says ``metadata.protected: true``
rename onto a live name    renames (or, for a folder, moves) an object to    nothing
                           the identity another live object already has
non-empty folder           deletes a folder that still holds live            ``--allow-nonempty-
                           assignments (they move to the root) or             folder-delete``
                           undeclared subfolders (deleted with it)
mass delete                deletes more objects of one kind than             ``--allow-mass-
                           ``duvoform.yaml``'s ``safety.max_deletes``         delete``
=========================  ===============================================  =====================

The rules read only the plan's changes (their action, fields, steps and live ids), the
manifests and the live state, so a differ cannot forget one: a new kind's renames and deletes
are covered as soon as they appear in a plan. Two objects with one name would make every
later plan ambiguous (the API does not keep names unique), which is why a rename onto a live
name is refused even when the plan also renames the other object away: a failure between the
two would leave both. ``FolderContents`` is shared with the folder differ, which shows the
same contents as notes on the delete.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveState
from duvoform.engine.plan import Action, Change, Plan
from duvoform.errors import Location, Problem, SafetyError
from duvoform.kinds import Folder, Resource
from duvoform.kinds.base import FieldPath
from duvoform.kinds.folder.contents import FolderContentsIndex
from duvoform.kinds.registry import home
from duvoform.text import listed, quote

__all__ = [
    "Refusal",
    "check",
    "enforce",
    "protected_problem",
    "safety_error",
]

Refusal = tuple[str | None, Problem]
"""One broken rule: the address it is about (None: the plan as a whole), and the problem."""

# -- the rules ------------------------------------------------------------------------------


def protected_problem(
    desired: DesiredState, resource: Resource, what: str, field_path: FieldPath
) -> Problem:
    """The problem of a plan that would do ``what`` (e.g. "renaming it from "A"") to a
    protected ``resource``, located at ``field_path`` of its manifest."""
    return Problem(
        desired.manifests.locate(resource, field_path),
        (
            f"metadata.protected: duvoform never deletes or renames a protected {resource.KIND}, "
            f"but this plan would be {what}; remove 'protected: true' to allow it",
        ),
        resource.label,
    )


def _renamed_from(change: Change) -> str | None:
    """The live name a change renames from, or None when it keeps the name."""
    if change.action in (Action.CREATE, Action.DELETE):
        return None
    for field in change.fields:
        if field.path == "name" and isinstance(field.before, str) and field.before != field.after:
            return field.before
    return None


def _moves_folder(change: Change) -> bool:
    return (
        change.kind == Folder.KIND
        and change.action is Action.UPDATE
        and any(field.path == "parent" for field in change.fields)
    )


class _Checker:
    def __init__(
        self,
        plan: Plan,
        desired: DesiredState,
        live: LiveState,
        ids: Mapping[str, str],
        allow_mass_delete: bool,
        allow_nonempty_folder_delete: bool,
    ) -> None:
        self.plan = plan
        self.desired = desired
        self.live = live
        self.ids = ids
        self.allow_mass_delete = allow_mass_delete
        self.allow_nonempty_folder_delete = allow_nonempty_folder_delete
        self.refusals: list[Refusal] = []

    def manifest(self, change: Change) -> Resource | None:
        resource = self.desired.get(change.kind, change.name)
        if resource is None or self.desired.address(resource) != change.address:
            return None
        return resource

    def locate(self, resource: Resource | None, path: FieldPath) -> Location | None:
        return self.desired.manifests.locate(resource, path) if resource is not None else None

    def refuse(self, change: Change | None, problem: Problem) -> None:
        self.refusals.append((change.address if change is not None else None, problem))

    def run(self) -> list[Refusal]:
        for change in self.plan.changes:
            resource = self.manifest(change)
            self.protected(change, resource)
            self.rename_onto_live_name(change, resource)
        self.nonempty_folders()
        self.mass_deletes()
        return self.refusals

    def protected(self, change: Change, resource: Resource | None) -> None:
        if resource is None or not resource.metadata.protected:
            return
        if change.action is Action.DELETE:
            what, path = "deleting it (ensure: absent)", ("spec", "ensure")
        else:
            old = _renamed_from(change)
            if old is None:
                return
            what, path = f"renaming it from {quote(old)}", ("metadata", "name")
        self.refuse(change, protected_problem(self.desired, resource, what, path))

    def rename_onto_live_name(self, change: Change, resource: Resource | None) -> None:
        old = _renamed_from(change)
        moved = _moves_folder(change)
        if change.live_id is None or (old is None and not moved):
            return
        found = home(change.kind)
        held = (
            []
            if found is None
            else found.holders(self.live, self.desired, self.ids, resource, change.name)
        )
        holders = sorted(i for i in held if i != change.live_id)
        if not holders:
            return
        found = home(change.kind)
        noun = found.noun if found is not None else "name"
        doing = f"renaming it from {quote(old)}" if old is not None else "moving it"
        reason = (
            f"{doing} would give it the {noun} {quote(change.name)}, which another live "
            f"{change.kind} already has ({', '.join(holders)}): two live objects with one "
            f"{noun} make every later plan ambiguous; rename or delete that one first, then "
            "plan again"
        )
        if resource is not None and resource.metadata.id is None and old is not None:
            reason += (
                f"; or, if {holders[0]} is the {change.kind} this manifest describes, pin it "
                "with metadata.id"
            )
        where = self.locate(resource, ("metadata", "name"))
        label = resource.label if resource is not None else None
        self.refuse(change, Problem(where, (reason,), label))

    def nonempty_folders(self) -> None:
        deletes = [
            c
            for c in self.plan.changes
            if c.kind == Folder.KIND and c.action is Action.DELETE and c.live_id is not None
        ]
        if not deletes or self.allow_nonempty_folder_delete:
            return
        index = FolderContentsIndex(self.live, self.plan.changes)
        deleted = {c.live_id for c in deletes if c.live_id is not None}
        for change in deletes:
            assert change.live_id is not None
            held = index.contents(change.live_id, deleted)
            if not held:
                continue
            resource = self.manifest(change)
            reason = (
                f"{change.address} is not empty: "
                + "; ".join(held.notes())
                + "; pass --allow-nonempty-folder-delete to delete it anyway"
            )
            where = self.locate(resource, ("spec", "ensure"))
            label = resource.label if resource is not None else None
            self.refuse(change, Problem(where, (reason,), label))

    def mass_deletes(self) -> None:
        if self.allow_mass_delete:
            return
        by_kind: dict[str, list[str]] = {}
        for change in self.plan.changes:
            if change.action is Action.DELETE:
                by_kind.setdefault(change.kind, []).append(change.name)
        safety = self.desired.manifests.project.safety
        for kind in sorted(by_kind):
            names = by_kind[kind]
            found = home(kind)
            live_count = found.live_count(self.live) if found is not None else 0
            limit = safety.max_deletes(kind, live_count)
            if len(names) <= limit:
                continue
            plural = found.plural if found is not None else f"{kind} objects"
            reason = (
                f"this plan would delete {len(names)} of {live_count} live {plural}, more than "
                f"the safety limit of {limit} (duvoform.yaml safety); pass --allow-mass-delete "
                f"if that is intended. It would delete: {listed(sorted(names))}"
            )
            self.refuse(None, Problem(None, (reason,)))


def check(
    plan: Plan,
    desired: DesiredState,
    live: LiveState,
    *,
    ids: Mapping[str, str] | None = None,
    allow_mass_delete: bool = False,
    allow_nonempty_folder_delete: bool = False,
) -> list[Refusal]:
    """Every safety rule ``plan`` breaks, in plan order (mass deletes last).

    ``ids``: address -> live id of the manifests that matched (``PlanResult.ids``); a folder's
    rename or move is checked against the live children of its desired parent's live folder.
    """
    checker = _Checker(
        plan, desired, live, ids or {}, allow_mass_delete, allow_nonempty_folder_delete
    )
    return checker.run()


def _problem_order(problem: Problem) -> tuple[bool, str, int, int]:
    where = problem.location
    if where is None:
        return (True, "", 0, 0)
    return (False, where.file, where.line, where.col)


def safety_error(problems: Iterable[Problem]) -> SafetyError:
    """One ``SafetyError`` for every safety rule broken: each problem once, in manifest order,
    then those about the plan as a whole."""
    listed_problems = sorted(dict.fromkeys(problems), key=_problem_order)
    count = len(listed_problems)
    return SafetyError(
        listed_problems,
        f"the plan was refused by {count} safety rule{'s' if count != 1 else ''}; "
        "nothing was written",
    )


def enforce(
    plan: Plan,
    desired: DesiredState,
    live: LiveState,
    *,
    ids: Mapping[str, str] | None = None,
    allow_mass_delete: bool = False,
    allow_nonempty_folder_delete: bool = False,
    also: Iterable[Refusal] = (),
) -> None:
    """Raise ``SafetyError`` listing every rule ``plan`` breaks (and the refusals ``also``
    gives, such as a differ's); return when there is none. Arguments as for ``check``."""
    refusals = [*also]
    refusals += check(
        plan,
        desired,
        live,
        ids=ids,
        allow_mass_delete=allow_mass_delete,
        allow_nonempty_folder_delete=allow_nonempty_folder_delete,
    )
    if refusals:
        raise safety_error(problem for _, problem in refusals)
