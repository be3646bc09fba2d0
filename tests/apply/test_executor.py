"""The executor's scheduling: order, parallelism, skips, refusals before any write, batching."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from duvoform.apply import Executor, SecretReveal, StepStatus
from duvoform.apply.batch import MoveBatcher
from duvoform.emulator import EmulatorControl
from duvoform.engine.steps import Op, Step, secret
from duvoform.errors import ApplyError, NotFoundError, SecretError
from tests.api.helpers import WatchedTransport, client_for
from tests.apply.helpers import (
    MISSING_ID,
    agent_step,
    connection_body,
    folder_step,
    ref,
    run,
    state_rows,
    step,
)


async def test_a_failure_skips_its_dependents_transitively_and_independent_work_goes_on(
    emulator: EmulatorControl,
) -> None:
    broken = step(Op.FOLDER_UPDATE, "Folder/Gone", folder=MISSING_ID, name="X")
    child = folder_step("Gone/Child", parent="Folder/Gone", after=("Folder/Gone#1",))
    grandchild = folder_step(
        "Gone/Child/Leaf", parent="Folder/Gone/Child", after=("Folder/Gone/Child#1",)
    )
    independent = folder_step("Elsewhere")
    async with client_for(emulator) as client:
        report = await run(client, [broken, child, grandchild, independent])
    by_id = {r.step_id: r for r in report.results}
    assert by_id["Folder/Gone#1"].status is StepStatus.FAILED
    assert isinstance(by_id["Folder/Gone#1"].error, NotFoundError)
    for skipped in ("Folder/Gone/Child#1", "Folder/Gone/Child/Leaf#1"):
        assert by_id[skipped].status is StepStatus.SKIPPED
        assert by_id[skipped].because == "Folder/Gone#1"
        assert by_id[skipped].message == "needs Folder/Gone, which failed"
    assert by_id["Folder/Elsewhere#1"].status is StepStatus.DONE
    assert not report.ok
    assert [row["name"] for row in state_rows(emulator, "folders")] == ["Elsewhere"]
    assert report.counts() == {"done": 1, "failed": 1, "skipped": 2, "pending": 0}


async def test_a_step_starts_only_after_what_it_needs_and_results_keep_plan_order(
    emulator: EmulatorControl,
) -> None:
    emulator.set_faults(latency_ms=30)
    chain = [folder_step("L0")]
    for n in range(1, 4):
        chain.append(
            folder_step(
                "/".join(f"L{i}" for i in range(n + 1)),
                parent="Folder/" + "/".join(f"L{i}" for i in range(n)),
                after=(chain[-1].id,),
            )
        )
    async with client_for(emulator) as client:
        report = await run(client, list(reversed(chain)))
    assert report.ok, report.failed
    assert [r.step_id for r in report.results] == [s.id for s in reversed(chain)]
    folders = {row["id"]: row for row in state_rows(emulator, "folders")}
    ids = report.created_ids()
    for n in range(1, 4):
        me = ids["Folder/" + "/".join(f"L{i}" for i in range(n + 1))]
        parent = ids["Folder/" + "/".join(f"L{i}" for i in range(n))]
        assert folders[me]["parent_folder_id"] == parent


@pytest.mark.parametrize("parallelism", [1, 3])
async def test_no_more_than_parallelism_steps_run_at_once(
    emulator: EmulatorControl, parallelism: int
) -> None:
    emulator.set_faults(latency_ms=40)
    transport = WatchedTransport()
    async with client_for(emulator, transport=transport) as client:
        report = await run(
            client, [folder_step(f"F{n}") for n in range(9)], parallelism=parallelism
        )
    assert report.ok
    assert transport.max_in_flight == parallelism


async def test_an_unreadable_secret_stops_the_run_before_any_request(
    emulator: EmulatorControl,
) -> None:
    body = connection_body(
        secret={"A": secret({"env": "UNSET_TOKEN"}), "B": secret({"file": "nowhere/token.txt"})}
    )
    steps = [folder_step("First"), step(Op.CONNECTION_CREATE, "Connection/C", body=body)]
    emulator.clear_stats()
    async with client_for(emulator) as client:
        with pytest.raises(SecretError) as caught:
            await run(client, steps)
    assert "Connection/C: environment variable UNSET_TOKEN is not set" in caught.value.message
    assert "nowhere/token.txt" in caught.value.message
    assert "nothing was applied" in caught.value.message
    assert emulator.stats()["total"] == 0


async def test_a_secret_file_is_read_relative_to_its_manifest_under_the_root(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    (tmp_path / "conns" / "secrets").mkdir(parents=True)
    (tmp_path / "conns" / "secrets" / "key.txt").write_text("file-canary\n")
    marker = secret({"file": "secrets/key.txt"})
    marker["$secret"]["source"] = "conns/connections.yaml"
    body = connection_body(secret={"K": marker})
    async with client_for(emulator) as client:
        executor = Executor(client, reveal=SecretReveal(tmp_path))
        report = await executor.run([step(Op.CONNECTION_CREATE, "Connection/C", body=body)])
    assert report.ok, report.failed
    assert "file-canary" in str(state_rows(emulator, "connections"))
    assert "file-canary\\n" not in str(state_rows(emulator, "connections"))


@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        ([folder_step("A"), folder_step("A")], "step Folder/A#1 appears twice"),
        ([folder_step("A", after=("Nope#1",))], "needs step Nope#1, which is not in the plan"),
        (
            [folder_step("A", after=("Folder/B#1",)), folder_step("B", after=("Folder/A#1",))],
            "in a cycle: Folder/A#1 -> Folder/B#1 -> Folder/A#1",
        ),
    ],
)
async def test_a_malformed_plan_is_refused_with_zero_requests(
    emulator: EmulatorControl, steps: list[Step], reason: str
) -> None:
    emulator.clear_stats()
    async with client_for(emulator) as client:
        with pytest.raises(ApplyError, match="nothing was written") as caught:
            await run(client, steps)
    assert reason in caught.value.message
    assert emulator.stats()["total"] == 0


async def test_a_step_missing_a_parameter_or_an_id_fails_clearly(
    emulator: EmulatorControl,
) -> None:
    steps = [
        step(Op.FOLDER_CREATE, "Folder/NoName"),
        step(Op.AGENT_UPDATE, "Assignment/X", agent=ref("Assignment/X"), fields={"name": "Y"}),
        step(Op.AGENT_CREATE, "Assignment/Bad", name="Bad", build={"name": "b", "config": {}}),
    ]
    async with client_for(emulator) as client:
        report = await run(client, steps)
    messages = [r.message for r in report.results]
    assert [r.status for r in report.results] == [StepStatus.FAILED] * 3
    assert "has no 'name' parameter" in (messages[0] or "")
    assert "needs the id of Assignment/X, which is not known" in (messages[1] or "")
    assert "do not make a valid CreateAgentRequest" in (messages[2] or "")


async def test_moves_to_one_folder_share_one_request(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        setup = [agent_step(f"A{n}") for n in range(6)] + [folder_step("Dest")]
        ids = (await run(client, setup)).created_ids()
        moves = [
            step(
                Op.AGENTS_MOVE,
                f"Assignment/A{n}",
                2,
                agents=[ref(f"Assignment/A{n}")],
                folder=ref("Folder/Dest") if n < 4 else None,
            )
            for n in range(6)
        ]
        emulator.clear_stats()
        report = await run(client, moves, ids, parallelism=2)
    assert report.ok, report.failed
    routes = emulator.stats()["by_route"]
    assert routes.get("POST /v1/agent-folders/{folder_id}/agents") == 1
    assert routes.get("POST /v1/agent-folders/move-agents") == 1
    folders = {row["id"]: row["folder_id"] for row in state_rows(emulator, "agents")}
    assert [folders[ids[f"Assignment/A{n}"]] for n in range(6)] == [ids["Folder/Dest"]] * 4 + [
        None
    ] * 2


async def test_a_failed_batched_move_fails_each_of_its_steps(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        ids = (await run(client, [agent_step("A"), agent_step("B")])).created_ids()
        moves = [
            step(
                Op.AGENTS_MOVE,
                f"Assignment/{n}",
                2,
                agents=[ref(f"Assignment/{n}")],
                folder=MISSING_ID,
            )
            for n in ("A", "B")
        ]
        report = await run(client, moves, ids)
    assert [r.status for r in report.results] == [StepStatus.FAILED] * 2
    assert all(isinstance(r.error, NotFoundError) for r in report.results)


async def test_the_report_counts_the_requests_of_the_run(emulator: EmulatorControl) -> None:
    emulator.clear_stats()
    async with client_for(emulator) as client:
        report = await run(client, [folder_step("A"), folder_step("B")])
    assert report.requests == emulator.stats()["total"] == 2
    assert report.seconds > 0


async def test_parallelism_below_one_is_refused(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        with pytest.raises(ApplyError, match="at least 1"):
            Executor(client, parallelism=0)
    await asyncio.sleep(0)


async def test_moves_that_come_while_one_is_on_its_way_go_together(
    emulator: EmulatorControl,
) -> None:
    # Paced by a rate limit, creates finish one by one; their moves must still share requests:
    # one request per folder at a time, and whatever comes meanwhile goes in the next.
    async with client_for(emulator) as client:
        ids = (await run(client, [folder_step("Dest")])).created_ids()
        ids |= (await run(client, [agent_step(f"A{n}") for n in range(5)])).created_ids()
        batcher = MoveBatcher(client)
        emulator.set_faults(latency_ms=300, routes=["POST /v1/agent-folders/{folder_id}/agents"])
        emulator.clear_stats()
        agent_ids = [ids[f"Assignment/A{n}"] for n in range(5)]
        first = asyncio.create_task(batcher.move([agent_ids[0]], ids["Folder/Dest"]))
        later = []
        for agent_id in agent_ids[1:]:
            await asyncio.sleep(0.03)  # more than the few turns a new batch waits
            later.append(asyncio.create_task(batcher.move([agent_id], ids["Folder/Dest"])))
        await asyncio.gather(first, *later)
        emulator.set_faults()
    assert batcher.requests == 2
    assert emulator.stats()["by_route"]["POST /v1/agent-folders/{folder_id}/agents"] == 2
    folders = {row["id"]: row["folder_id"] for row in state_rows(emulator, "agents")}
    assert {folders[a] for a in agent_ids} == {ids["Folder/Dest"]}
