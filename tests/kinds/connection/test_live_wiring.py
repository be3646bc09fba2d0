"""Reading a build's wiring for a plan: from the assignment list where it is certain, with
requests only where it is not (a slot with several candidate connections, or a live build that
is not the latest)."""

from __future__ import annotations

from typing import Any

from duvoform.emulator import EmulatorControl
from duvoform.engine.live import LiveQuery, read_live_state
from tests.api.helpers import client_for
from tests.helpers import v2_config

SLOTS = "GET /v1/agents/{agent_id}/revisions/{build_id}/integrations"
PINS = SLOTS + "/{integration_id}/connections"
GMAIL = {"type": "gmail", "provider": "oauth", "auth_method": "oauth"}


def _pins(state: Any, agent: str, build: str) -> dict[str, set[str]]:
    """slot integration -> pinned connection ids."""
    return {
        slot.integration_id or slot.custom_integration_id: {
            p.connection_id for p in state.pins[(agent, build, slot.id)]
        }
        for slot in state.slots[(agent, build)]
    }


async def test_pins_are_inferred_or_read_slot_by_slot(emulator: EmulatorControl) -> None:
    build = {
        "name": "b1",
        "config": v2_config(),
        "integrations": [
            {"integration": "Warehouse", "pins": ["Warehouse"]},  # one candidate: inferred
            {"integration": "gmail", "pins": ["Inbox A", "Inbox B"]},  # two candidates: read
            {"integration": "Spare"},  # not connected: no pin, nothing to read
        ],
    }
    ids = emulator.seed(
        {
            "connections": [
                {"name": "Warehouse", "server_url": "https://mcp.example.com/w"},
                {"name": "Spare", "server_url": "https://mcp.example.com/s"},
                {"name": "Inbox A", **GMAIL},
                {"name": "Inbox B", **GMAIL},
            ],
            "agents": [{"name": "Worker", "builds": [build]}],
        }
    )
    warehouse, spare, inbox_a, inbox_b = ids["connections"]
    agent = ids["agents"][0]
    emulator.clear_stats()
    async with client_for(emulator) as client:
        state = await read_live_state(client, LiveQuery(slots_for=frozenset({"Worker"})))
    by_route = emulator.stats()["by_route"]
    assert by_route.get(SLOTS, 0) == 0
    assert by_route[PINS] == 1
    assert state.requests == 4
    wiring = _pins(state, agent["id"], agent["builds"][0])
    rows = {row["id"]: row for row in emulator.state()["connections"]}
    assert wiring == {
        rows[warehouse]["custom_integration_id"]: {warehouse},
        rows[inbox_a]["integration_id"]: {inbox_a, inbox_b},
        rows[spare]["custom_integration_id"]: set(),
    }


async def test_a_live_build_that_is_not_the_latest_is_listed_and_read(
    emulator: EmulatorControl,
) -> None:
    live: dict[str, Any] = {
        "name": "live",
        "config": v2_config(),
        "status": "live",
        "integrations": [{"integration": "Warehouse", "pins": ["Warehouse"]}],
    }
    draft = {"name": "draft", "config": v2_config("Draft."), "status": "draft"}
    ids = emulator.seed(
        {
            "connections": [{"name": "Warehouse", "server_url": "https://mcp.example.com/w"}],
            "agents": [{"name": "Worker", "builds": [live, draft]}],
        }
    )
    agent = ids["agents"][0]
    emulator.clear_stats()
    async with client_for(emulator) as client:
        state = await read_live_state(client, LiveQuery(slots_for=frozenset({"Worker"})))
    by_route = emulator.stats()["by_route"]
    assert by_route[SLOTS] == 1
    assert by_route[PINS] == 1
    assert _pins(state, agent["id"], agent["builds"][0]) == {
        emulator.state()["connections"][0]["custom_integration_id"]: {ids["connections"][0]}
    }
