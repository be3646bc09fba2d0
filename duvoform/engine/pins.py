"""Which connections an assignment's live build is pinned to, from what a plan read anyway.

Plan, its connection deletes and its build changes all need to know what a live build is
wired to. The pins are read only for the assignments whose manifests name connections
(``LiveQuery.slots_for``); for every other assignment whose latest build is live, the
assignment list embeds that build's slots (``integration_configs``, with ``is_connected``),
and a connected slot is taken to be pinned to the visible connections of its integration (as
``duvoform.engine.live`` infers them). Neither costs a request.
"""

from __future__ import annotations

from duvoform.engine.live import LiveState

__all__ = ["pinned_by_agent"]


def _read_pins(live: LiveState) -> dict[tuple[str, str], set[str]]:
    """``(agent id, build id) -> connection ids`` of every pin the plan read."""
    out: dict[tuple[str, str], set[str]] = {}
    for (agent_id, build_id, _slot), pins in live.pins.items():
        out.setdefault((agent_id, build_id), set()).update(p.connection_id for p in pins)
    return out


def pinned_by_agent(live: LiveState) -> dict[str, frozenset[str]]:
    """Live assignment id -> the ids of the connections its live build is pinned to, for every
    assignment where what the plan read tells (its live build is the latest, or its pins were
    read); in one pass. ``Context.pinned`` holds it for a plan."""
    read = _read_pins(live)
    out: dict[str, frozenset[str]] = {}
    for agent in live.agents:
        found = _pinned(live, agent.id, read)
        if found is not None:
            out[agent.id] = found
    return out


def _pinned(
    live: LiveState, agent_id: str, read: dict[tuple[str, str], set[str]]
) -> frozenset[str] | None:
    build = live.live_build(agent_id)
    if build is None:  # pins read without a build in the list: take them as they are
        found = [ids for (agent, _build), ids in read.items() if agent == agent_id]
        return frozenset().union(*found) if found else frozenset()
    key = (agent_id, build.id)
    if key in read or key in live.slots:
        return frozenset(read.get(key, ()))
    agent = live.agent(agent_id)
    latest = agent.latest_build if agent is not None else None
    if agent is None or latest is None or latest.id != build.id:
        return None
    if "integration_configs" not in agent.model_fields_set:
        return None
    return frozenset(
        ident
        for config in agent.integration_configs
        if config.is_connected
        for ident in live.integration_connections(config.integration_id)
    )
