"""The one planning path shared by ``plan``, ``apply`` (manifest mode) and ``show``.

::

    Manifests ─DesiredState.build─▶ DesiredState ─live_query─▶ LiveQuery
    client ─read_live_state─▶ LiveState
    (DesiredState, LiveState) ─match─▶ Matches ─diff─▶ DiffResult ─narrow (--target)─▶
        DiffResult ─order─▶ Plan ─policies, safety.enforce─▶ Plan
                 └─▶ ids, fingerprints, expected absent

``build_plan`` does the reads; ``plan_against`` is the pure rest (tests call it with a
hand-made ``LiveState``). ``PlanResult`` holds everything apply and a plan file need: the
plan, its steps in execution order, the id map seed, the fingerprints of every live object the
plan read and what it expects to be absent. The safety rails (``duvoform.engine.safety``) run on the
narrowed plan, so a refusal elsewhere does not block a targeted plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from duvoform.api.client import DuvoClient
from duvoform.engine.diff import DiffOptions, diff, fingerprints
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveQuery, LiveState, read_live_state
from duvoform.engine.match import Matches, match
from duvoform.engine.order import order_with_steps
from duvoform.engine.plan import Plan
from duvoform.engine.safety import enforce
from duvoform.engine.steps import Step, plan_digest
from duvoform.engine.targets import narrow, scope_of
from duvoform.gcpause import paused_gc
from duvoform.kinds.registry import homes
from duvoform.manifest import Manifests
from duvoform.policies import check_plan

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
    if options.targets:
        result = narrow(result, scope_of(result.changes, options.targets, desired, live), desired)
    plan, steps = order_with_steps(
        result.changes,
        unchanged=result.unchanged,
        warnings=result.warnings,
        notes=result.notes,
    )
    if options.enforce_safety:
        plan, refused = check_plan(plan, desired, desired.manifests.project)
        enforce(
            plan,
            desired,
            live,
            ids=result.ids,
            allow_mass_delete=options.allow_mass_delete,
            allow_nonempty_folder_delete=options.allow_nonempty_folder_delete,
            also=[*result.safety, *refused],
        )
    return PlanResult(
        plan=plan,
        steps=steps,
        desired=desired,
        live=live,
        matches=matches,
        ids=dict(sorted(result.ids.items())),
        read=frozenset(result.read),
        expected_absent=tuple(result.expected_absent),
        manifest_root=desired.manifests.project.root,
        requests=live.requests,
        targets=options.targets,
        options=options,
    )
