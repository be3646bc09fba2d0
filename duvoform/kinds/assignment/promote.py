"""Going back to a build that exists: promote it instead of making a copy (DESIGN §5).

Builds are immutable history and promotion only moves a pointer (REFERENCE §9.2), so when the
desired build equals an existing, non-live build of the assignment (its name carries the
desired digest and its ``subAgents`` are the live ids of the desired sub-agents) the plan
promotes that build (``build.promote``, "promote build #N") and makes no new one: a colleague
promoted an older build again, or the manifests were reverted to a config a build has.

Finding it needs the assignment's builds. The assignment list only carries the latest build,
so they are listed (``GET /v1/agents/{agent_id}/revisions``, one request per 100 builds) for
an assignment whose latest build is live only when the plan would otherwise make a new build
(``builds_to_read``): its latest build has more than one revision behind it and carries another
digest, is the unfinished bootstrap build, or was made outside duvoform and differs from the
manifest. An unchanged plan reads nothing more. (An assignment whose latest build is not live
has its builds listed anyway, to find the live one.)

The API docs disagree on which build a job runs (the live one, or the latest), so when an
assignment's newest build is not its live one the plan warns, naming both
(``newest_not_live``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from duvoform.api.models import Agent, Build, BuildConfigV2
from duvoform.engine.context import Context
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import build_order
from duvoform.engine.plan import FieldChange
from duvoform.engine.steps import Op, ref
from duvoform.kinds import Assignment, BuildSpec
from duvoform.kinds.assignment.digest import (
    build_digest,
    desired_readable,
    is_bootstrap,
    live_readable,
    parse_digest,
)
from duvoform.kinds.connection.diff import identities
from duvoform.text import quote

__all__ = [
    "build_label",
    "builds_to_read",
    "existing_build",
    "newest_not_live",
    "promote_field",
    "promote_params",
]


def build_label(build: Build) -> str:
    """``#3``: how a plan names a build (its id when the API gave no number)."""
    number = build.revision_number
    if number is None:
        return f"{build.id}"
    return f"#{int(number)}"


def existing_build(
    ctx: Context, agent_id: str, spec: BuildSpec, wanted: frozenset[str], live: Build | None
) -> Build | None:
    """The newest non-live build of the assignment that is the desired build, if the plan
    read its builds."""
    digest = build_digest(spec)
    found = [
        build
        for build in ctx.live.builds.get(agent_id, ())
        if (live is None or build.id != live.id)
        and parse_digest(build.name) == digest
        and isinstance(build.config, BuildConfigV2)
        and frozenset(build.config.data.sub_agents) == wanted
    ]
    if not found:
        return None
    return max(found, key=build_order)


def promote_params(address: str, spec: BuildSpec, build: Build) -> dict[str, Any]:
    """Parameters of the ``build.promote`` step; the labels that differ go with it."""
    params: dict[str, Any] = {
        "agent": ref(address),
        "build": build.id,
        "number": None if build.revision_number is None else int(build.revision_number),
    }
    for label in ("revision_name", "revision_description"):
        if getattr(spec, label) != getattr(build, label):
            params[label] = getattr(spec, label)
    return params


def promote_field(live: Build | None, build: Build) -> FieldChange:
    """The change of live build a promote makes, as the plan shows it."""
    return FieldChange("build.live", build_label(live) if live else None, build_label(build))


def newest_not_live(
    ctx: Context,
    address: str,
    agent: Agent,
    live: Build | None,
    op: Op | None,
    target: Build | None,
) -> None:
    """Warn when the assignment's newest build is not its live one, now or after this plan
    (a revert promotes an older build), naming both."""
    latest = agent.latest_build
    if latest is None or live is None:
        return
    if op is Op.BUILD_CREATE:
        after: Build | None = None  # the new build will be the newest and the live one
    elif op is Op.BUILD_PROMOTE and target is not None:
        after = target
    else:
        after = live
    now_differs = latest.id != live.id
    later_differs = after is not None and after.id != latest.id
    if not now_differs and not later_differs:
        return
    why = (
        "the API docs say a job uses the latest build (and elsewhere, the live one), so jobs "
        f"may run build {build_label(latest)}"
    )
    newest = f"its newest build {build_label(latest)} ({quote(latest.name or '')})"
    if now_differs:
        message = f"{address}: {newest} is not its live build {build_label(live)}"
        message += f" ({quote(live.name or '')}); {why}"
        if after is None:
            message += "; this plan's new build will be both"
        elif after.id == latest.id:
            message += f"; this plan promotes build {build_label(latest)}"
        elif after.id != live.id:
            message += f"; this plan promotes build {build_label(after)}"
    else:
        assert after is not None
        message = f"{address}: {newest} will not be its live build {build_label(after)} once "
        message += f"this plan promotes that one; {why}"
    ctx.result.warnings.append(message)


def builds_to_read(desired: DesiredState) -> Callable[[Agent], bool] | None:
    """Whether the plan should list an assignment's builds to find one to promote (see the
    module docstring); None when no manifest declares an assignment."""
    by_identity: dict[str, Assignment] = {}
    for assignment in desired.of_kind(Assignment.KIND):
        if isinstance(assignment, Assignment):
            for identity in identities(assignment):
                by_identity.setdefault(identity, assignment)
    if not by_identity:
        return None

    def wanted(agent: Agent) -> bool:
        latest = agent.latest_build
        if latest is None or not latest.is_live:
            return False  # listed anyway, to find the live build
        if latest.revision_number is not None and latest.revision_number <= 1:
            return False  # the only build there is
        assignment = by_identity.get(agent.id) or by_identity.get(agent.name)
        if assignment is None:
            return False
        spec = assignment.spec.build
        digest = parse_digest(latest.name)
        if digest is not None:
            return digest != build_digest(spec)
        return is_bootstrap(latest.name) or not _adoptable(latest, spec)

    return wanted


def _adoptable(build: Build, spec: BuildSpec) -> bool:
    """True when a build made outside duvoform reads like the manifest (sub-agents aside:
    their ids are only known once the plan matched them); such a build is kept, not
    replaced, so there is nothing to promote instead."""
    current = live_readable(build)
    desired = desired_readable(spec, frozenset())
    if current.version == "other":
        return False
    same = (
        current.model == desired.model
        and current.sop == desired.sop
        and current.skills == desired.skills
        and current.files == desired.files
        and current.plugins == desired.plugins
    )
    if current.version == "v2":
        return (
            same
            and current.browsing == desired.browsing
            and (current.options or {}) == (desired.options or {})
        )
    return same and not spec.sub_agents and not desired.options
