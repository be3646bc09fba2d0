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

__all__ = ["pinned_connection_ids"]


def pinned_connection_ids(live: LiveState, agent_id: str) -> frozenset[str] | None:
    """The ids of the connections the live build of ``agent_id`` is pinned to; None when the
    plan read nothing that tells (the live build is not the latest, and its pins were not
    read)."""
    build = live.live_build(agent_id)
    if build is None:
        return frozenset()
    slots = live.slots.get((agent_id, build.id))
    if slots is not None:
        return frozenset(
            pin.connection_id
            for slot in slots
            for pin in live.pins.get((agent_id, build.id, slot.id), ())
        )
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
