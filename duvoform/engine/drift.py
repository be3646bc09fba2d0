"""Drift: what differs between the live team and the manifests, and why (``duvoform drift``).

::

    PlanResult (desired, live, matches, plan) ─drift_of─▶ DriftReport
        each change ─split by cause─▶ DriftEntry (address, cause, fields, reasons)
        matches.unmanaged_* ─▶ Unmanaged

``read_drift`` makes the plan with the planner's own read (the same requests as ``plan``, no
safety rails: nothing is applied) and ``drift_of`` is the pure rest. Causes:

- ``missing``: declared, not live (a plan ``create``, or an OAuth connection to ``authorize``);
- ``changed_outside``: the assignment's live build was not made by duvoform, was promoted by
  hand, or its config no longer matches the digest in its name
  (``duvoform.kinds.assignment.provenance``);
- ``pending``: the live build is what duvoform last applied and the manifests moved on;
- ``differs``: any other difference (a name, folder, flag, connection field, a label, a
  connection pin, an object declared absent that is live): duvoform keeps no record of the
  values it wrote, so who changed it cannot be told.

One object may have an entry per cause (a build changed by hand and a flag toggled: one
``changed_outside`` entry with the build fields, one ``differs`` entry with the flag). Live
objects that no manifest declares are ``unmanaged``, listed apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from duvoform.api.client import DuvoClient
from duvoform.engine.context import Context, DiffOptions
from duvoform.engine.plan import Action, Change, FieldChange
from duvoform.engine.planner import PlanOptions, PlanResult, build_plan
from duvoform.engine.steps import Op
from duvoform.kinds import Assignment
from duvoform.kinds.assignment.provenance import build_provenance, tampered_fields
from duvoform.manifest import Manifests

__all__ = [
    "FORMAT_VERSION",
    "Cause",
    "DriftEntry",
    "DriftReport",
    "Unmanaged",
    "drift_of",
    "read_drift",
]

FORMAT_VERSION = 1


class Cause(StrEnum):
    """Why a live object differs from its manifest (see the module docstring)."""

    CHANGED_OUTSIDE = "changed_outside"
    PENDING = "pending"
    MISSING = "missing"
    DIFFERS = "differs"


CAUSE_ORDER: tuple[Cause, ...] = (
    Cause.CHANGED_OUTSIDE,
    Cause.MISSING,
    Cause.DIFFERS,
    Cause.PENDING,
)
"""Most important first: what someone did by hand, then what is gone, then the rest."""


@dataclass(frozen=True)
class DriftEntry:
    """One object's difference of one cause: the fields (live -> desired) and why."""

    kind: str
    name: str
    cause: Cause
    fields: tuple[FieldChange, ...] = ()
    reasons: tuple[str, ...] = ()
    live_id: str | None = None

    @property
    def address(self) -> str:
        """``Kind/name``, as plans name the object."""
        return f"{self.kind}/{self.name}"

    def to_json(self) -> dict[str, Any]:
        """``{"address", "kind", "name", "cause", "fields": [{"path", "live", "desired"}],
        "reasons", "live_id"}``."""
        return {
            "address": self.address,
            "kind": self.kind,
            "name": self.name,
            "cause": self.cause.value,
            "fields": [{"path": f.path, "live": f.before, "desired": f.after} for f in self.fields],
            "reasons": list(self.reasons),
            "live_id": self.live_id,
        }


@dataclass(frozen=True)
class Unmanaged:
    """A live object that no manifest declares."""

    kind: str
    name: str
    live_id: str

    @property
    def address(self) -> str:
        """``Kind/name`` (a folder's name is its path)."""
        return f"{self.kind}/{self.name}"

    def to_json(self) -> dict[str, Any]:
        """``{"address", "kind", "name", "live_id"}``."""
        return {
            "address": self.address,
            "kind": self.kind,
            "name": self.name,
            "live_id": self.live_id,
        }


@dataclass(frozen=True)
class DriftReport:
    """Every drift entry (most important cause first), the unmanaged objects, and counts.

    ``checked``: how many manifests were compared; ``requests``: what the live read took.
    """

    entries: tuple[DriftEntry, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()
    checked: int = 0
    requests: int = 0
    warnings: tuple[str, ...] = field(default=())

    def has_drift(self, *, fail_on_unmanaged: bool = False) -> bool:
        """True when there is drift (unmanaged objects count only when asked)."""
        return bool(self.entries) or (fail_on_unmanaged and bool(self.unmanaged))

    def summary(self) -> dict[str, int]:
        """Entries per cause (every cause present), ``unmanaged`` and ``in_sync`` (manifests
        with no entry)."""
        counts = Counter(entry.cause for entry in self.entries)
        out = {cause.value: counts.get(cause, 0) for cause in CAUSE_ORDER}
        out["unmanaged"] = len(self.unmanaged)
        drifted = {entry.address for entry in self.entries}
        out["in_sync"] = max(self.checked - len(drifted), 0)
        return out

    def to_json(self) -> dict[str, Any]:
        """The ``drift --format json`` document (additive changes only)."""
        return {
            "format_version": FORMAT_VERSION,
            "drift": [entry.to_json() for entry in self.entries],
            "unmanaged": [item.to_json() for item in self.unmanaged],
            "summary": self.summary(),
            "warnings": list(self.warnings),
        }


async def read_drift(manifests: Manifests, client: DuvoClient) -> DriftReport:
    """Read the live team as ``plan`` does and report its drift from ``manifests``.

    Raises what ``build_plan`` raises (manifest references, ambiguous names, the API's
    errors); never the safety rails, since nothing is applied.
    """
    result = await build_plan(manifests, client, PlanOptions(enforce_safety=False))
    return drift_of(result)


def drift_of(result: PlanResult) -> DriftReport:
    """The drift a plan shows (pure; see the module docstring)."""
    entries: list[DriftEntry] = []
    for change in result.plan.changes:
        entries.extend(_entries(change, result))
    entries.extend(_tampered(result, {c.address for c in result.plan.changes}))
    entries.sort(key=lambda e: (CAUSE_ORDER.index(e.cause), e.kind, e.name))
    return DriftReport(
        entries=tuple(entries),
        unmanaged=_unmanaged(result),
        checked=len(result.desired.resources),
        requests=result.requests,
        warnings=result.plan.warnings,
    )


def _entries(change: Change, result: PlanResult) -> list[DriftEntry]:
    def entry(cause: Cause, fields: tuple[FieldChange, ...], *reasons: str) -> DriftEntry:
        return DriftEntry(change.kind, change.name, cause, fields, reasons, change.live_id)

    notes = tuple(change.notes)
    if change.action is Action.CREATE:
        return [entry(Cause.MISSING, change.fields, "declared, and not live", *notes)]
    if change.action is Action.AUTHORIZE:
        why = "not live: it needs a person to authorize it (duvoform connect)"
        return [entry(Cause.MISSING, change.fields, why, *notes)]
    if change.action is Action.DELETE:
        why = "declared absent (ensure: absent), and live"
        return [entry(Cause.DIFFERS, change.fields, why)]
    build = tuple(f for f in change.fields if f.path.startswith("build."))
    other = tuple(f for f in change.fields if not f.path.startswith("build."))
    resource = result.desired.get(change.kind, change.name)
    # A promote of an existing build puts the live build back as a new build would.
    rebuilt = change.action is Action.BUILD or any(s.op is Op.BUILD_PROMOTE for s in change.steps)
    if not rebuilt or change.live_id is None or resource is None:
        return [entry(Cause.DIFFERS, change.fields, *notes)]
    assert isinstance(resource, Assignment)
    found = build_provenance(result.live, change.live_id, resource.spec.build)
    cause = Cause.CHANGED_OUTSIDE if found.origin == "outside" else Cause.PENDING
    out = [entry(cause, build, found.reason, *notes)]
    if other:
        out.append(entry(Cause.DIFFERS, other))
    return out


_TAMPERED = (
    "the live build {id} carries the manifest's digest, but its config was changed in place "
    "and no longer matches it; plan and apply trust the digest and do not see this: make any "
    "change to the build in the manifest (a new digest) and apply, to replace it"
)


def _tampered(result: PlanResult, planned: set[str]) -> list[DriftEntry]:
    """Assignments the plan leaves alone whose live build was changed in place."""
    ctx = Context(result.desired, result.live, result.matches, DiffOptions())
    out = []
    for resource in result.desired.resources:
        if not isinstance(resource, Assignment):
            continue
        address = result.desired.address(resource)
        live_id = result.matches.live_id(address)
        if live_id is None or address in planned:
            continue
        fields = tampered_fields(ctx, live_id, resource.spec.build)
        if fields is None:
            continue
        build = result.live.live_build(live_id)
        reason = _TAMPERED.format(id=build.id if build is not None else "?")
        out.append(
            DriftEntry(
                resource.KIND,
                resource.name,
                Cause.CHANGED_OUTSIDE,
                tuple(fields),
                (reason,),
                live_id,
            )
        )
    return out


def _unmanaged(result: PlanResult) -> tuple[Unmanaged, ...]:
    matches, live = result.matches, result.live
    items = [Unmanaged("Assignment", a.name, a.id) for a in matches.unmanaged_agents]
    items += [
        Unmanaged("Folder", "/".join(live.folders.path_of(f.id)), f.id)
        for f in matches.unmanaged_folders
    ]
    items += [Unmanaged("Connection", c.name, c.id) for c in matches.unmanaged_connections]
    return tuple(sorted(items, key=lambda u: (u.kind, u.name, u.live_id)))
