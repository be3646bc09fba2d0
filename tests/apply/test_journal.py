"""The journal: one flushed JSON line per event, never a secret; finding a plan already applied."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.apply import Executor, Journal, SecretReveal, find_applied, plan_digest
from duvoform.apply.journal import read_journal
from duvoform.emulator import EmulatorControl
from duvoform.engine.planner import plan_digest as pipeline_digest
from duvoform.engine.steps import Op, secret
from duvoform.errors import ApplyError
from tests.api.helpers import client_for
from tests.apply.helpers import MISSING_ID, connection_body, folder_step, ref, step


async def test_a_run_is_journaled_event_by_event_without_secrets(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    body = connection_body(secret={"Authorization": secret({"env": "TOKEN"})})
    steps = [
        folder_step("Finance"),
        step(Op.CONNECTION_CREATE, "Connection/C", body=body),
        step(Op.FOLDER_UPDATE, "Folder/Gone", folder=MISSING_ID, name="X"),
        folder_step("Gone/Child", parent="Folder/Gone", after=("Folder/Gone#1",)),
    ]
    journal = Journal(tmp_path, api_url=emulator.base_url)
    async with client_for(emulator) as client:
        executor = Executor(
            client,
            reveal=SecretReveal(environ={"TOKEN": "journal-canary"}),
            listeners=[journal],
        )
        report = await executor.run(steps)
    assert journal.path is not None
    assert journal.path.parent == tmp_path / "journal"
    assert journal.path.name.endswith(f"-{report.plan_digest[:16]}.jsonl")
    text = journal.path.read_text()
    assert "journal-canary" not in text
    events = list(read_journal(journal.path))
    kinds = [event["event"] for event in events]
    assert kinds[0] == "run_start"
    assert kinds[-1] == "run_end"
    assert kinds.count("step_start") == 3
    assert sorted(k for k in kinds if k.startswith("step_") and k != "step_start") == [
        "step_done",
        "step_done",
        "step_failed",
        "step_skipped",
    ]
    done = {e["address"]: e for e in events if e["event"] == "step_done"}
    assert done["Folder/Finance"]["created"] == {
        "Folder/Finance": report.created_ids()["Folder/Finance"]
    }
    failed = next(e for e in events if e["event"] == "step_failed")
    assert failed["error"]["status"] == 404
    assert failed["error"]["method"] == "PATCH"
    skipped = next(e for e in events if e["event"] == "step_skipped")
    assert skipped["because"] == {
        "step": "Folder/Gone#1",
        "address": "Folder/Gone",
        "pending": False,
    }
    assert events[-1]["ok"] is False
    assert events[-1]["summary"] == {"done": 2, "failed": 1, "skipped": 1, "pending": 0}
    assert all(event["time"].endswith("Z") for event in events)
    assert find_applied(tmp_path, report.plan_digest) is None  # it did not end ok


async def test_a_plan_that_ended_ok_is_found_by_its_digest(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    steps = [folder_step("Finance")]
    ids = {"Folder/Other": MISSING_ID}
    digest = plan_digest(steps, ids)
    assert find_applied(tmp_path, digest) is None
    async with client_for(emulator) as client:
        for _ in range(2):  # two runs of one plan in the same second get separate files
            journal = Journal(tmp_path, api_url="local")
            report = await Executor(client, listeners=[journal]).run(steps, ids)
            assert report.plan_digest == digest
    files = sorted((tmp_path / "journal").iterdir())
    assert len(files) == 2
    assert find_applied(tmp_path, digest) in files
    assert find_applied(tmp_path, plan_digest(steps, {})) is None


def test_a_torn_last_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text(json.dumps({"event": "run_start"}) + '\n{"event": "step_st')
    assert [e["event"] for e in read_journal(path)] == ["run_start"]


def test_the_digest_changes_with_the_steps_and_the_ids() -> None:
    steps = [step(Op.FOLDER_UPDATE, "Folder/A", folder=ref("Folder/A"), name="B")]
    base = plan_digest(steps, {"Folder/A": "1"})
    assert base == plan_digest(list(steps), {"Folder/A": "1"})
    assert base != plan_digest(steps, {"Folder/A": "2"})
    renamed = [step(Op.FOLDER_UPDATE, "Folder/A", folder=ref("Folder/A"), name="C")]
    assert base != plan_digest(renamed, {"Folder/A": "1"})


def test_the_digest_is_the_one_plan_files_are_named_by() -> None:
    steps = [
        step(Op.FOLDER_UPDATE, "Folder/A", folder=ref("Folder/A"), name="Ä"),
        folder_step("B", after=("Folder/A#1",)),
    ]
    ids = {"Folder/Z": "2", "Folder/A": "1"}
    assert plan_digest(steps, ids) == pipeline_digest(steps, ids)
    assert plan_digest is pipeline_digest  # defined once


async def test_an_unwritable_journal_stops_apply_before_any_request(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    (tmp_path / "journal").write_text("a file where the directory should be")
    emulator.clear_stats()
    async with client_for(emulator) as client:
        executor = Executor(client, listeners=[Journal(tmp_path, api_url="local")])
        with pytest.raises(ApplyError, match="cannot write the apply journal") as caught:
            await executor.run([folder_step("A")])
    assert "nothing was applied" in caught.value.message
    assert emulator.stats()["total"] == 0
