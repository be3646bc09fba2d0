from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from duvoform.api import ClientSettings, open_client
from duvoform.emulator import EmulatorControl
from duvoform.kinds.assignment.slots import SlotView, infer, read_wiring, slots_from_configs
from tests.importer.helpers import connection, v2


def slot(connected: bool | None, integration: str | None = "ci-1") -> SlotView:
    return SlotView("s1", integration, "custom_mcp", "Warehouse", connected)


def test_inference_rules() -> None:
    one = [connection("W", custom_integration_id="ci-1"), connection("G", integration_id="gm")]
    assert infer(slot(False), one) is not None
    assert infer(slot(False), one).pinned_ids == ()  # type: ignore[union-attr]
    inferred = infer(slot(True), one)
    assert inferred is not None
    assert (inferred.pinned_ids, inferred.how) == (("c-W",), "inferred")
    assert infer(slot(None), one) is None  # whether anything is pinned is not known
    two = [*one, connection("W2", custom_integration_id="ci-1")]
    assert infer(slot(True), two) is None  # several candidates: read the pins
    assert infer(slot(True, None), one) is None


async def test_pins_are_read_only_where_they_cannot_be_inferred(emulator: EmulatorControl) -> None:
    header: dict[str, Any] = {"server_url": "https://mcp.example.com/a"}
    ids = emulator.seed(
        {
            "connections": [
                {"name": "Gmail one", "type": "gmail", "provider": "oauth"},
                {"name": "Gmail two", "type": "gmail", "provider": "oauth"},
                {"name": "Warehouse", **header},
            ],
            "agents": [
                {
                    "name": "A",
                    "builds": [
                        {
                            "config": v2(),
                            "integrations": [
                                {"integration": "gmail", "pins": ["Gmail two"]},
                                {"integration": "Warehouse", "pins": ["Warehouse"]},
                            ],
                        }
                    ],
                }
            ],
        }
    )
    agent_id = ids["agents"][0]["id"]
    settings = ClientSettings(base_url=emulator.base_url)
    async with open_client(settings, SecretStr(emulator.api_key)) as client:
        agent = await client.get_agent(agent_id)
        connections = await client.list_connections()
        assert agent.latest_build is not None
        emulator.clear_stats()
        wired = await read_wiring(
            client,
            agent_id,
            agent.latest_build.id,
            slots_from_configs(agent.integration_configs),
            connections,
        )
    names = {w.slot.name: ([c.name for c in w.connections], w.how) for w in wired}
    assert names == {"Gmail": (["Gmail two"], "pins"), "Warehouse": (["Warehouse"], "inferred")}
    pins = "GET /v1/agents/{agent_id}/revisions/{build_id}/integrations/{integration_id}"
    assert emulator.stats()["by_route"] == {f"{pins}/connections": 1}
