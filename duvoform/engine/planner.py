"""The one planning path shared by ``plan``, ``apply`` (manifest mode) and ``show``.

::

    Manifests ─DesiredState.build─▶ DesiredState ─live_query─▶ LiveQuery
    client ─read_live_state─▶ LiveState
    (DesiredState, LiveState) ─match─▶ Matches ─diff─▶ changes ─order─▶ Plan ─narrow─▶ Plan
                                                         │          ─policies, safety.enforce─▶
                                                         └─▶ ids, fingerprints, expected absent

``build_plan`` does the reads; ``plan_against`` is the pure rest (tests call it with a
hand-made ``LiveState``). ``PlanResult`` holds everything apply and a plan file need: the
plan, its steps in execution order, the id map seed, the fingerprints of every live object the
plan read and what it expects to be absent. The safety rails (``duvoform.engine.safety``) run on the
narrowed plan, so a refusal elsewhere does not block a targeted plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from duvoform.api.client import DuvoClient
from duvoform.engine.diff import DiffOptions, diff, fingerprints
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveQuery, LiveState, read_live_state
from duvoform.engine.match import Matches, match
from duvoform.engine.order import order_with_steps
from duvoform.engine.plan import Action, Change, Plan
from duvoform.engine.safety import enforce
from duvoform.engine.steps import Step, plan_digest
from duvoform.errors import Problem, UnknownTargetError
from duvoform.gcpause import paused_gc
from duvoform.kinds import kinds
from duvoform.kinds.registry import home, homes
from duvoform.manifest import Manifests
from duvoform.policies import check_plan
from duvoform.text import did_you_mean, quote

__all__ = [
    "PlanOptions",
    "PlanResult",
    "build_plan",
    "live_query",
    "plan_against",
    "plan_digest",
]


@dataclass(frozen=True)
class PlanOptions:
    """What a plan may do and how far it reaches.

    ``targets``: ``Kind/name`` addresses; the plan narrows to them and what they depend on.
    ``prune``, ``allow_mass_delete``, ``allow_nonempty_folder_delete``, ``rotate_secrets``,
    ``allow_duplicate``, ``known_names``: see ``DiffOptions``. ``enforce_safety``: refuse
    unsafe plans (``SafetyError``); only ``show``, which looks at one object and applies
    nothing, turns it off.
    """

    targets: tuple[str, ...] = ()
    prune: bool = False
    allow_mass_delete: bool = False
    allow_nonempty_folder_delete: bool = False
    rotate_secrets: bool | frozenset[str] = False
    enforce_safety: bool = True
    allow_duplicate: bool = False
    known_names: Mapping[str, str] = field(default_factory=dict, compare=False)

    def diff_options(self) -> DiffOptions:
        """The part of these options the differ uses."""
        return DiffOptions(
            prune=self.prune,
            allow_mass_delete=self.allow_mass_delete,
            allow_nonempty_folder_delete=self.allow_nonempty_folder_delete,
            rotate_secrets=self.rotate_secrets,
            allow_duplicate=self.allow_duplicate,
            known_names=self.known_names,
        )


@dataclass(frozen=True, repr=False)
class PlanResult:
    """A plan and everything needed to apply it or save it.

    ``steps``: every step in one execution order (each with its ``after``). ``ids``: the id
    map seed, address -> live id (``"<address>@build"`` -> the live build's id).
    ``read``: ``(kind, live id)`` of the live objects the plan read. ``expected_absent``:
    ``[{"kind", "name"|"path"}]`` of the objects it expects not to exist. ``manifest_root``:
    where ``$secret`` file references are relative to. ``requests``: how many API requests
    the live read took. ``options``: the options the plan was made with (a plan file records
    the flags). ``fingerprints`` and ``manifest_digest`` are computed when first asked for
    (only plan files need them).
    """

    plan: Plan
    steps: tuple[Step, ...]
    desired: DesiredState
    live: LiveState
    matches: Matches
    ids: dict[str, str]
    read: frozenset[tuple[str, str]]
    expected_absent: tuple[dict[str, str], ...]
    manifest_root: Path
    requests: int = 0
    targets: tuple[str, ...] = field(default=())
    options: PlanOptions = field(default_factory=PlanOptions)

    @cached_property
    def fingerprints(self) -> dict[str, str]:
        """``{"<kind>/<live id>": sha256}`` of the live objects the plan read."""
        return fingerprints(self.read, self.live)

    @property
    def manifest_digest(self) -> str:
        """``Manifests.digest`` of the manifests planned."""
        return self.desired.manifests.digest

    @property
    def digest(self) -> str:
        """The plan digest (``plan_digest``): what a journal names an applied plan by."""
        return plan_digest(self.steps, self.ids)

    def __repr__(self) -> str:
        # Short on purpose: on its way out ``asyncio.run`` formats the repr of its task (the
        # SIGINT handler it restores holds the task), result included, and a field-by-field
        # repr of a large team's state costs seconds.
        plan = self.plan
        return (
            f"<PlanResult: {len(plan.changes)} changes, {plan.unchanged} unchanged, "
            f"{len(self.steps)} steps>"
        )


def live_query(desired: DesiredState) -> LiveQuery:
    """What the plan reads beyond the always-read lists (folders, assignments with their live
    builds, connections): the header names of the connections whose manifests declare headers
    (``credentials_for``), and the slots and pins of the live builds of the assignments whose
    builds name connections (``slots_for``). A team with neither reads only the lists. Each
    kind's home adds what its differ needs (``KindHome.live_query``)."""
    query = LiveQuery()
    for kind in homes():
        query = kind.live_query(desired, query)
    return query


async def build_plan(
    manifests: Manifests, client: DuvoClient, options: PlanOptions | None = None
) -> PlanResult:
    """Read live state with ``client`` and plan ``manifests`` against it.

    Raises ``ManifestError`` (references), ``PlanError`` and its subclasses (ambiguous names,
    unknown targets, safety rails), and the API's errors.
    """
    options = options or PlanOptions()
    with paused_gc():
        desired = DesiredState.build(manifests)
        live = await read_live_state(client, live_query(desired))
        return plan_against(desired, live, options)


def plan_against(
    desired: DesiredState, live: LiveState, options: PlanOptions | None = None
) -> PlanResult:
    """The pure part of planning: match, diff, order, narrow, fingerprint."""
    options = options or PlanOptions()
    matches = match(desired, live)
    result = diff(desired, live, matches, options.diff_options(), check_safety=False)
    plan, steps = order_with_steps(
        result.changes,
        unchanged=result.unchanged,
        warnings=result.warnings,
        notes=result.notes,
    )
    read = set(result.read)
    absent = list(result.expected_absent)
    scope: set[str] | None = None
    if options.targets:
        scope = _scope(plan, options.targets, desired, live)
        plan, steps = _narrow(plan, scope, desired)
        owner = {live_id: address for address, live_id in result.ids.items()}
        read = {(k, i) for k, i in read if owner.get(i) in scope}
        absent = [e for e in absent if _absent_address(e) in scope]
    deletes = any(change.action is Action.DELETE for change in plan.changes)
    differs = [
        (address, problem)
        for address, problem in result.safety
        if (address is None and deletes)
        or (address is not None and (scope is None or address in scope))
    ]
    if options.enforce_safety:
        plan, refused = check_plan(plan, desired, desired.manifests.project)
        differs += refused
        enforce(
            plan,
            desired,
            live,
            ids=result.ids,
            allow_mass_delete=options.allow_mass_delete,
            allow_nonempty_folder_delete=options.allow_nonempty_folder_delete,
            also=differs,
        )
    return PlanResult(
        plan=plan,
        steps=steps,
        desired=desired,
        live=live,
        matches=matches,
        ids=dict(sorted(result.ids.items())),
        read=frozenset(read),
        expected_absent=tuple(absent),
        manifest_root=desired.manifests.project.root,
        requests=live.requests,
        targets=options.targets,
        options=options,
    )


def _absent_address(entry: dict[str, str]) -> str:
    return f"{entry['kind']}/{entry.get('name') or entry.get('path')}"


# -- targets ------------------------------------------------------------------------------


_NOT_PLANNED = "nothing was planned"


def _resolve_target(target: str, plan: Plan, desired: DesiredState, live: LiveState) -> str:
    """The address ``target`` names; ``UnknownTargetError`` when it names nothing."""
    kind, sep, name = target.partition("/")
    known_kinds = sorted(kinds())
    if not sep or kind not in known_kinds or not name:
        raise UnknownTargetError(
            [
                Problem(
                    None,
                    (
                        f"--target {quote(target)}: a target is Kind/name, with Kind one of "
                        + ", ".join(known_kinds),
                    ),
                )
            ],
            _NOT_PLANNED,
        )
    resource = desired.get(kind, name)
    if resource is not None:
        return desired.address(resource)
    if any(change.address == target for change in plan.changes):
        return target
    if _live_exists(kind, name, live):
        return target
    candidates = [desired.address(r) for r in desired.resources]
    candidates += [c.address for c in plan.changes]
    raise UnknownTargetError(
        [
            Problem(
                None,
                (
                    f"--target {quote(target)}: no {kind} {quote(name)} in the manifests or "
                    "live" + _hint(kind, name, target, candidates),
                ),
            )
        ],
        _NOT_PLANNED,
    )


def _hint(kind: str, name: str, target: str, candidates: list[str]) -> str:
    found = home(kind)
    return (found.target_hint(name, candidates) if found else "") or did_you_mean(
        target, candidates
    )


def _live_exists(kind: str, name: str, live: LiveState) -> bool:
    found = home(kind)
    return found is not None and bool(found.live_ids(live, name))


def _scope(plan: Plan, targets: Iterable[str], desired: DesiredState, live: LiveState) -> set[str]:
    """The targets, what they depend on (declared references), and every change whose
    steps theirs run after, transitively."""
    scope = {_resolve_target(t, plan, desired, live) for t in targets}
    by_address = {desired.address(r): r for r in desired.resources}
    owner = {step.id: change.address for change in plan.changes for step in change.steps}
    changes = {change.address: change for change in plan.changes}
    pending = list(scope)
    while pending:
        address = pending.pop()
        found: list[str] = []
        resource = by_address.get(address)
        if resource is not None:
            found += [desired.address(dep) for dep in desired.dependencies_of(resource)]
        change = changes.get(address)
        if change is not None:
            found += [owner[a] for step in change.steps for a in step.after if a in owner]
        for item in found:
            if item not in scope:
                scope.add(item)
                pending.append(item)
    return scope


def _narrow(plan: Plan, scope: set[str], desired: DesiredState) -> tuple[Plan, tuple[Step, ...]]:
    kept: list[Change] = [c for c in plan.changes if c.address in scope]
    changed = {c.address for c in kept}
    unchanged = sum(
        1
        for r in desired.resources
        if desired.address(r) in scope and desired.address(r) not in changed
    )
    return order_with_steps(
        kept,
        unchanged=unchanged,
        warnings=[w for w in plan.warnings if _about(w, scope)],
        notes=[n for n in plan.notes if _about(n, scope)],
    )


def _about(message: str, scope: set[str]) -> bool:
    """True when a plan message is about one of the addresses in scope."""
    return any(message.startswith(f"{address}:") for address in scope)
