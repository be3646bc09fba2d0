"""Creates whose answer is lost are reconciled: adopted when they happened, else made again,
and never duplicated. The emulator's fault injection plays the lost answers."""

from __future__ import annotations

import json
import re
from collections import Counter

import httpx
import pytest

from duvoform.apply import StepStatus
from duvoform.emulator import EmulatorControl, catalog_id
from duvoform.engine.steps import Op, Step
from duvoform.errors import UncertainWriteError
from tests.api.helpers import client_for
from tests.apply.helpers import (
    agent_step,
    build_key,
    connection_body,
    folder_step,
    ref,
    run,
    state_rows,
    step,
)
from tests.helpers import v2_config

CONNECTION = connection_body("Tools", "https://mcp.example.com/tools")


@pytest.mark.parametrize(
    ("route", "steps", "table"),
    [
        ("POST /v1/agent-folders", [folder_step("Finance")], "folders"),
        ("POST /v1/agents", [agent_step("A", flags={"slack_enabled": True})], "agents"),
        (
            "POST /v1/connections",
            [step(Op.CONNECTION_CREATE, "Connection/Tools", body=CONNECTION, shared=True)],
            "connections",
        ),
    ],
)
async def test_a_create_whose_answer_is_lost_is_adopted_not_repeated(
    emulator: EmulatorControl, route: str, steps: list[Step], table: str
) -> None:
    emulator.set_faults(drop_after_commit_rate=1.0, routes=[route], seed=1)
    async with client_for(emulator) as client:
        report = await run(client, steps)
    assert report.ok, report.failed
    assert len(state_rows(emulator, table)) == 1
    assert emulator.stats()["faults"]["drop_after_commit"] == 1
    (result,) = report.results
    assert len(result.notes) == 1
    assert "found it live and adopted it" in result.notes[0]
    assert result.created[steps[0].address] == state_rows(emulator, table)[0]["id"]


async def test_a_lost_build_create_is_adopted_by_its_name(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        ids = (await run(client, [agent_step("A")])).created_ids()
        emulator.set_faults(
            drop_after_commit_rate=1.0, routes=["POST /v1/agents/{agent_id}/revisions"]
        )
        build = step(
            Op.BUILD_CREATE,
            "Assignment/A",
            2,
            agent=ref("Assignment/A"),
            name="duvoform:1111111111111111",
            config=v2_config("new"),
            handover_targets=[],
        )
        report = await run(client, [build], ids)
    assert report.ok, report.failed
    builds = state_rows(emulator, "builds")
    assert [b["name"] for b in builds].count("duvoform:1111111111111111") == 1
    assert report.created_ids()[build_key("Assignment/A")] == builds[-1]["id"]


async def test_lost_slot_attach_and_pin_are_reconciled(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        created = await run(
            client,
            [
                agent_step("A"),
                step(Op.CONNECTION_CREATE, "Connection/Tools", body=CONNECTION),
            ],
        )
        ids = created.created_ids()
        emulator.set_faults(
            drop_after_commit_rate=1.0,
            routes=[
                "POST /v1/agents/{agent_id}/revisions/{build_id}/integrations",
                "POST /v1/agents/{agent_id}/revisions/{build_id}/integrations/{integration_id}"
                "/connections",
            ],
        )
        wire = step(
            Op.BUILD_WIRE,
            "Assignment/A",
            2,
            agent=ref("Assignment/A"),
            build=ref(build_key("Assignment/A")),
            integrations=[catalog_id("gmail")],
            pins=[{"integration": ref("Connection/Tools"), "connection": ref("Connection/Tools")}],
        )
        report = await run(client, [wire], ids)
    assert report.ok, report.failed
    assert len(state_rows(emulator, "slots")) == 2
    assert len(state_rows(emulator, "slot_pins")) == 1
    assert emulator.stats()["faults"]["drop_after_commit"] == 2


async def test_a_create_that_never_happens_is_tried_again_then_given_up(
    emulator: EmulatorControl,
) -> None:
    emulator.set_faults(error_rate=1.0, error_statuses=[503], routes=["POST /v1/agent-folders"])
    async with client_for(emulator) as client:
        report = await run(client, [folder_step("Finance")], create_attempts=3)
    (result,) = report.results
    assert result.status is StepStatus.FAILED
    assert isinstance(result.error, UncertainWriteError)
    assert "no clear answer to any of 3 attempts to create" in (result.message or "")
    assert "it may or may not exist. Run duvoform plan" in (result.message or "")
    assert not result.notes  # said once, in the failure
    assert state_rows(emulator, "folders") == []
    routes = emulator.stats()["by_route"]
    assert routes["POST /v1/agent-folders"] == 3
    assert routes["GET /v1/agent-folders"] == 3


async def test_random_faults_converge_in_one_run_without_duplicates(
    emulator: EmulatorControl,
) -> None:
    emulator.set_faults(
        error_rate=0.1, error_statuses=[503], drop_after_commit_rate=0.05, burst_429=5, seed=7
    )
    steps = [folder_step("Finance")]
    steps += [agent_step(f"Agent {n:02d}", sop=f"SOP {n}") for n in range(30)]
    steps += [
        step(
            Op.AGENTS_MOVE,
            f"Assignment/Agent {n:02d}",
            2,
            after=("Folder/Finance#1", f"Assignment/Agent {n:02d}#1"),
            agents=[ref(f"Assignment/Agent {n:02d}")],
            folder=ref("Folder/Finance"),
        )
        for n in range(30)
    ]
    async with client_for(emulator) as client:
        report = await run(client, steps)
    assert report.ok, [r.message for r in report.failed]
    names = Counter(row["name"] for row in state_rows(emulator, "agents"))
    assert names == Counter({f"Agent {n:02d}": 1 for n in range(30)})
    assert len(state_rows(emulator, "folders")) == 1
    faults = emulator.stats()["faults"]
    assert faults["error"] > 0
    assert faults["burst_429"] == 5


class DraftBuilds(httpx.AsyncBaseTransport):
    """The real network, except that new builds are reported as drafts (not live), as an API
    that needs a promote would answer."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        await response.aread()
        if request.method == "POST" and re.search(r"/revisions$", request.url.path):
            data = json.loads(response.content)
            data["build"]["status"] = "draft"
            return httpx.Response(response.status_code, json=data, request=request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_a_new_build_that_is_not_live_is_promoted_and_a_409_for_a_live_one_is_success(
    emulator: EmulatorControl,
) -> None:
    async with client_for(emulator, transport=DraftBuilds()) as client:
        ids = (await run(client, [agent_step("A")])).created_ids()
        build = step(
            Op.BUILD_CREATE,
            "Assignment/A",
            2,
            agent=ref("Assignment/A"),
            name="duvoform:2222222222222222",
            config=v2_config("new"),
            revision_name="promoted",
        )
        emulator.clear_stats()
        report = await run(client, [build], ids)
    assert report.ok, report.failed
    assert report.results[0].notes == ("the new build was already live",)
    routes = emulator.stats()["by_route"]
    assert routes["POST /v1/revisions/{build_id}/promote"] == 1
    new = [b for b in state_rows(emulator, "builds") if b["name"] == "duvoform:2222222222222222"]
    assert new[0]["status"] == "live"
    assert new[0]["revision_name"] == "promoted"
