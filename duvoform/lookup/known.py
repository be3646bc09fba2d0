"""The name index as ``plan`` and ``apply`` use it: to spot an assignment renamed elsewhere.

``with_known_names`` gives a plan the index's ``id -> name`` (``PlanOptions.known_names``), so
that a create next to an unmanaged assignment the index knew under the manifest's name is
named and refused (``duvoform.kinds.assignment.duplicates``). ``remember_planned`` then adds
the assignments the plan matched to a manifest, under their live names: the next plan knows
them even after someone renames one in the web app. Unmanaged assignments are left as the
index had them (that memory is the point). Both cost no request.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from duvoform.engine.planner import PlanOptions, PlanResult
from duvoform.lookup.index import NameIndex

__all__ = ["remember_planned", "with_known_names"]


def with_known_names(options: PlanOptions, state_dir: Path, api_url: str) -> PlanOptions:
    """``options`` with ``known_names`` from the name index of ``api_url`` (empty if none)."""
    return replace(options, known_names=NameIndex.load(state_dir, api_url).known())


def remember_planned(result: PlanResult, state_dir: Path, api_url: str) -> None:
    """Add the live assignments ``result`` matched to a manifest to the name index."""
    index = NameIndex.load(state_dir, api_url)
    agents = [
        agent
        for agent in (result.live.agent(i) for i in result.matches.ids().values())
        if agent is not None
    ]
    if agents:
        index.remember(agents)
        index.save()
