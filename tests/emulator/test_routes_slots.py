from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from duvoform.emulator import EmulatorControl, catalog_id
from tests.emulator.util import create_agent, create_connection

GHOST = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


@pytest.fixture
def api(emulator: EmulatorControl) -> Iterator[httpx.Client]:
    with emulator.client() as client:
        yield client


def test_attach_pin_and_integration_configs(api: httpx.Client, emulator: EmulatorControl) -> None:
    agent = create_agent(api)["agent"]
    base = f"/v1/agents/{agent['id']}/revisions/{agent['latest_build']['id']}/integrations"
    conn = create_connection(api)
    ids = [catalog_id("gmail"), conn["custom_integration_id"]]
    attached = api.post(base, json={"integration_ids": ids})
    assert attached.status_code == 201
    assert attached.json() == {"success": True, "count": 2}
    again = api.post(base, json={"integration_ids": ids[:1]})
    assert again.json() == {"success": True, "count": 0}
    slots = api.get(base).json()["integrations"]
    assert [(s["integration_type"], s["integration_name"]) for s in slots] == [
        ("gmail", "Gmail"),
        ("custom_mcp", "Snowflake prod"),
    ]
    assert slots[0]["integration_id"] == catalog_id("gmail")
    assert slots[0]["custom_integration_id"] is None
    assert slots[1]["custom_integration_id"] == conn["custom_integration_id"]

    configs = api.get(f"/v1/agents/{agent['id']}").json()["agent"]["integration_configs"]
    assert [c["is_connected"] for c in configs] == [False, False]
    assert configs[1]["integration_id"] == conn["custom_integration_id"]

    pinned = api.post(f"{base}/{slots[1]['id']}/connections", json={"connection_id": conn["id"]})
    assert pinned.status_code == 201
    assert pinned.json() == {"success": True}
    assert (
        api.post(
            f"{base}/{slots[1]['id']}/connections", json={"connection_id": conn["id"]}
        ).status_code
        == 409
    )
    pins = api.get(f"{base}/{conn['custom_integration_id']}/connections").json()["connections"]
    assert [p["connection_id"] for p in pins] == [conn["id"]]
    configs = api.get(f"/v1/agents/{agent['id']}").json()["agent"]["integration_configs"]
    assert [c["is_connected"] for c in configs] == [False, True]

    emulator.add_key("teammate", "local")
    with emulator.client("teammate") as mate:
        theirs = mate.get(f"/v1/agents/{agent['id']}").json()["agent"]["integration_configs"]
        assert [c["is_connected"] for c in theirs] == [False, False]
        assert mate.get(f"{base}/{slots[1]['id']}/connections").json()["connections"] == []


def test_pin_must_fit_the_slot_and_be_visible(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    base = f"/v1/agents/{agent['id']}/revisions/{agent['latest_build']['id']}/integrations"
    conn = create_connection(api)
    api.post(base, json={"integration_ids": [catalog_id("gmail")]})
    wrong = api.post(
        f"{base}/{catalog_id('gmail')}/connections", json={"connection_id": conn["id"]}
    )
    assert wrong.status_code == 400
    assert wrong.json()["message"].startswith("connection_id: ")
    unknown = api.post(f"{base}/{catalog_id('gmail')}/connections", json={"connection_id": GHOST})
    assert unknown.status_code == 400


def test_unpin_and_remove_slot(api: httpx.Client, emulator: EmulatorControl) -> None:
    agent = create_agent(api)["agent"]
    base = f"/v1/agents/{agent['id']}/revisions/{agent['latest_build']['id']}/integrations"
    conn = create_connection(api)
    slot_ref = conn["custom_integration_id"]
    api.post(base, json={"integration_ids": [slot_ref]})
    api.post(f"{base}/{slot_ref}/connections", json={"connection_id": conn["id"]})
    assert api.delete(f"{base}/{slot_ref}/connections/{conn['id']}").status_code == 200
    assert api.delete(f"{base}/{slot_ref}/connections/{conn['id']}").status_code == 404
    assert api.get(f"/v1/connections/{conn['id']}").status_code == 200
    api.post(f"{base}/{slot_ref}/connections", json={"connection_id": conn["id"]})
    assert api.delete(f"{base}/{slot_ref}").json() == {"success": True}
    assert api.get(base).json()["integrations"] == []
    assert emulator.state()["slot_pins"] == []
    assert api.delete(f"{base}/{slot_ref}").status_code == 404


def test_attach_unknown_integration_and_wrong_agent(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    other = create_agent(api, "Other")["agent"]
    build = agent["latest_build"]["id"]
    response = api.post(
        f"/v1/agents/{agent['id']}/revisions/{build}/integrations",
        json={"integration_ids": [GHOST]},
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("integration_ids[0]: ")
    assert api.get(f"/v1/agents/{other['id']}/revisions/{build}/integrations").status_code == 404


def test_integration_configs_follow_the_latest_build(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    build = agent["latest_build"]["id"]
    api.post(
        f"/v1/agents/{agent['id']}/revisions/{build}/integrations",
        json={"integration_ids": [catalog_id("slack")]},
    )
    assert len(api.get(f"/v1/agents/{agent['id']}").json()["agent"]["integration_configs"]) == 1
    api.post(f"/v1/agents/{agent['id']}/revisions", json={"name": "bare"})
    assert api.get(f"/v1/agents/{agent['id']}").json()["agent"]["integration_configs"] == []


def test_deleting_a_connection_removes_its_pins(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    agent = create_agent(api)["agent"]
    base = f"/v1/agents/{agent['id']}/revisions/{agent['latest_build']['id']}/integrations"
    conn = create_connection(api)
    api.post(base, json={"integration_ids": [conn["custom_integration_id"]]})
    api.post(
        f"{base}/{conn['custom_integration_id']}/connections", json={"connection_id": conn["id"]}
    )
    api.delete(f"/v1/connections/{conn['id']}")
    assert emulator.state()["slot_pins"] == []
