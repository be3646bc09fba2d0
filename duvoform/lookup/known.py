"""The name index as ``plan`` and ``apply`` use it: to spot an assignment renamed elsewhere.

``with_known_names`` gives a plan the index's ``id -> name`` (``PlanOptions.known_names``), so
that a create next to an unmanaged assignment the index knew under the manifest's name is
named and refused (``duvoform.kinds.assignment.duplicates``). ``remember_planned`` then adds
the assignments the plan matched to a manifest, under their live names: the next plan knows
them even after someone renames one in the web app. Unmanaged assignments are left as the
index had them (that memory is the point). Both cost no request. ``plan_remembering`` is
``build_plan`` between the two, as ``plan`` and ``apply`` make their plans.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from duvoform.api.client import DuvoClient
from duvoform.engine.planner import PlanOptions, PlanResult, build_plan
from duvoform.lookup.index import NameIndex
from duvoform.manifest import Manifests

__all__ = ["plan_remembering", "remember_planned", "with_known_names"]


def with_known_names(options: PlanOptions, index: NameIndex) -> PlanOptions:
    """``options`` with ``known_names`` from ``index`` (empty if it knows none)."""
    return replace(options, known_names=index.known())


def remember_planned(result: PlanResult, index: NameIndex) -> None:
    """Add the live assignments ``result`` matched to a manifest to ``index``, and save it."""
    agents = [
        agent
        for agent in (result.live.agent(i) for i in result.matches.ids().values())
        if agent is not None
    ]
    if agents:
        index.remember(agents)
        index.save()


async def plan_remembering(
    manifests: Manifests,
    client: DuvoClient,
    options: PlanOptions,
    *,
    state_dir: Path,
    api_url: str,
) -> PlanResult:
    """``build_plan`` with the name index of ``api_url`` in ``state_dir`` (loaded once): its
    known names in, the assignments the plan matched back into it."""
    index = NameIndex.load(state_dir, api_url)
    result = await build_plan(manifests, client, with_known_names(options, index))
    remember_planned(result, index)
    return result
