from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from duvoform.emulator import EmulatorControl
from tests.emulator.util import create_agent
from tests.helpers import v2_config

GHOST = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


@pytest.fixture
def api(emulator: EmulatorControl) -> Iterator[httpx.Client]:
    with emulator.client() as client:
        yield client


def _builds(api: httpx.Client, agent_id: str) -> list[dict[str, Any]]:
    response = api.get(f"/v1/agents/{agent_id}/revisions", params={"limit": 100})
    assert response.status_code == 200
    builds: list[dict[str, Any]] = response.json()["builds"]
    return builds


def test_new_build_becomes_newest_and_live(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    first = agent["latest_build"]["id"]
    response = api.post(
        f"/v1/agents/{agent['id']}/revisions",
        json={"name": "second", "config": v2_config("v2 sop")},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["agent"] == {"id": agent["id"]}
    second = body["build"]
    assert (second["status"], second["revision_number"]) == ("live", 2)
    assert second["parent_build_id"] == first
    builds = _builds(api, agent["id"])
    assert [(b["id"], b["status"]) for b in builds] == [(first, "historic"), (second["id"], "live")]
    latest = api.get(f"/v1/agents/{agent['id']}").json()["agent"]["latest_build"]
    assert latest["id"] == second["id"]
    assert latest["config"]["data"]["input"] == "v2 sop"


def test_build_without_config_copies_the_live_config(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    response = api.post(f"/v1/agents/{agent['id']}/revisions", json={"name": "no config"})
    assert response.json()["build"]["config"] == agent["latest_build"]["config"]


def test_promote_relives_an_older_build(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    first = agent["latest_build"]["id"]
    second = api.post(f"/v1/agents/{agent['id']}/revisions", json={"name": "2"}).json()["build"]
    conflict = api.post(f"/v1/revisions/{second['id']}/promote", json={})
    assert conflict.status_code == 409
    assert conflict.json()["error"] == "conflict"
    promoted = api.post(f"/v1/revisions/{first}/promote", json={"revision_name": "Rollback"})
    assert promoted.status_code == 200
    assert promoted.json() == {"success": True}
    statuses = {b["id"]: (b["status"], b["revision_name"]) for b in _builds(api, agent["id"])}
    assert statuses == {first: ("live", "Rollback"), second["id"]: ("historic", None)}
    # latest_build stays the newest build, which is now older than... not live
    latest = api.get(f"/v1/agents/{agent['id']}").json()["agent"]["latest_build"]
    assert latest["id"] == second["id"]
    assert latest["status"] == "historic"


def test_promote_accepts_an_empty_body(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    first = agent["latest_build"]["id"]
    api.post(f"/v1/agents/{agent['id']}/revisions", json={"name": "2"})
    assert api.post(f"/v1/revisions/{first}/promote").status_code == 200


def test_get_build_by_both_paths(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    build_id = agent["latest_build"]["id"]
    direct = api.get(f"/v1/revisions/{build_id}")
    nested = api.get(f"/v1/agents/{agent['id']}/revisions/{build_id}")
    assert direct.status_code == nested.status_code == 200
    assert direct.json() == nested.json()
    assert direct.json()["build"]["id"] == build_id
    other = create_agent(api, "Other")["agent"]
    assert api.get(f"/v1/agents/{other['id']}/revisions/{build_id}").status_code == 404
    assert api.get(f"/v1/revisions/{GHOST}").status_code == 404


def test_update_build_labels_config_and_handover(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    target = create_agent(api, "Escalations")["agent"]["id"]
    agent = create_agent(api)["agent"]
    build_id = agent["latest_build"]["id"]
    response = api.patch(
        f"/v1/revisions/{build_id}",
        json={
            "revision_name": "Q4 policy",
            "revision_description": "quarter four",
            "config": v2_config("new sop", skills=["pdf-reader"]),
            "handoverTargetIds": [target],
        },
    )
    assert response.status_code == 200
    build = response.json()["build"]
    assert build["revision_name"] == "Q4 policy"
    assert build["config"]["data"]["skills"] == ["pdf-reader"]
    assert build["status"] == "live"
    assert "handover_target_ids" not in build
    assert "handoverTargetIds" not in build
    stored = {row["id"]: row for row in emulator.state()["builds"]}
    assert stored[build_id]["handover_target_ids"] == [target]
    cleared = api.patch(f"/v1/revisions/{build_id}", json={"revision_name": None}).json()["build"]
    assert cleared["revision_name"] is None
    assert cleared["revision_description"] == "quarter four"


def test_handover_targets_on_create_are_stored_never_returned(
    api: httpx.Client, emulator: EmulatorControl
) -> None:
    target = create_agent(api, "Escalations")["agent"]["id"]
    agent_id = create_agent(api)["agent"]["id"]
    response = api.post(
        f"/v1/agents/{agent_id}/revisions",
        json={"name": "with handover", "handover_target_ids": [target]},
    )
    build = response.json()["build"]
    assert "handover_target_ids" not in build
    stored = {row["id"]: row for row in emulator.state()["builds"]}
    assert stored[build["id"]]["handover_target_ids"] == [target]
    refused = api.post(
        f"/v1/agents/{agent_id}/revisions", json={"name": "x", "handover_target_ids": [GHOST]}
    )
    assert refused.status_code == 400
    assert refused.json()["message"].startswith("handover_target_ids[0]: ")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"revision_name": ""}, "revision_name"),
        ({"revision_name": "x" * 81}, "revision_name"),
        ({"revision_description": "x" * 501}, "revision_description"),
        ({"config": {"version": "v1", "data": {}}}, "config.version"),
        ({"handoverTargetIds": ["nope"]}, "handoverTargetIds[0]"),
    ],
)
def test_update_build_validation(api: httpx.Client, body: dict[str, Any], field: str) -> None:
    build_id = create_agent(api)["agent"]["latest_build"]["id"]
    response = api.patch(f"/v1/revisions/{build_id}", json=body)
    assert response.status_code == 400
    assert response.json()["message"].startswith(field)


def test_builds_cannot_be_deleted(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    build_id = agent["latest_build"]["id"]
    assert api.delete(f"/v1/revisions/{build_id}").status_code == 405
    assert api.delete(f"/v1/agents/{agent['id']}/revisions/{build_id}").status_code == 405
    assert len(_builds(api, agent["id"])) == 1


def test_builds_list_pagination(api: httpx.Client) -> None:
    agent_id = create_agent(api)["agent"]["id"]
    for n in range(4):
        api.post(f"/v1/agents/{agent_id}/revisions", json={"name": f"b{n}"})
    page = api.get(f"/v1/agents/{agent_id}/revisions", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 5
    assert [b["revision_number"] for b in page["builds"]] == [2, 3]
    assert api.get(f"/v1/agents/{agent_id}/revisions", params={"limit": 101}).status_code == 400
    assert api.get(f"/v1/agents/{GHOST}/revisions").status_code == 404


def test_source_build_copies_slots_and_pins(api: httpx.Client) -> None:
    agent = create_agent(api)["agent"]
    first = agent["latest_build"]["id"]
    base = f"/v1/agents/{agent['id']}/revisions"
    from duvoform.emulator import catalog_id

    api.post(f"{base}/{first}/integrations", json={"integration_ids": [catalog_id("slack")]})
    plain = api.post(base, json={"name": "plain"}).json()["build"]
    assert api.get(f"{base}/{plain['id']}/integrations").json()["integrations"] == []
    copied = api.post(base, json={"name": "copy", "source_build_id": first}).json()["build"]
    slots = api.get(f"{base}/{copied['id']}/integrations").json()["integrations"]
    assert [s["integration_type"] for s in slots] == ["slack"]
    assert copied["parent_build_id"] == first
    missing = api.post(base, json={"name": "x", "source_build_id": GHOST})
    assert missing.status_code == 400
    assert missing.json()["message"].startswith("source_build_id: ")
