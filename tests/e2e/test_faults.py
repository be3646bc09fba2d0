"""End to end under faults: one apply converges through 503s, lost answers and 429 bursts, and
an apply killed with SIGKILL, or stopped with Ctrl-C, mid-run converges on the next apply.
Never a duplicate name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from duvoform.apply import read_journal
from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import AT_A_TERMINAL, invoke, names, subprocess_env, write_team

WORKERS = 30
EXPECTED_AGENTS = {
    "Vendor lookup": 1,
    "Invoice triage": 1,
    "Escalations": 1,
    **{f"Worker {n:03d}": 1 for n in range(WORKERS)},
}


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    return write_team(tmp_path, workers=WORKERS)


def test_faults_converge_in_one_apply_without_duplicates(
    emulator: EmulatorControl, team: Path
) -> None:
    emulator.set_faults(
        error_rate=0.1,
        error_statuses=[503],
        drop_after_commit_rate=0.05,
        burst_429=6,
        seed=5,
    )
    applied = invoke(emulator, "apply", "--auto-approve", str(team))
    assert applied.exit_code == 0, applied.output
    faults = emulator.stats()["faults"]
    assert faults["error"] > 0
    assert faults["drop_after_commit"] > 0
    assert faults["burst_429"] == 6

    emulator.set_faults()
    assert names(emulator, "agents") == EXPECTED_AGENTS
    assert names(emulator, "folders") == {"Finance": 1, "Accounts Payable": 1}
    assert names(emulator, "connections") == {"Warehouse": 1}
    after = invoke(emulator, "plan", "--detailed-exitcode", str(team))
    assert after.exit_code == 0, after.stdout


def test_an_apply_killed_mid_run_converges_on_the_next_apply(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    emulator.set_faults(latency_ms=60)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "duvoform",
            "apply",
            "--auto-approve",
            "--parallelism",
            "2",
            "manifests",
        ],
        cwd=tmp_path,
        env=subprocess_env(emulator),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while emulator.stats()["writes"] < 10:
            assert process.poll() is None, "the apply finished before it could be killed"
            assert time.monotonic() < deadline, "the apply made no progress"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    partial = names(emulator, "agents")
    assert 0 < sum(partial.values()) < len(EXPECTED_AGENTS)

    (journal,) = (tmp_path / ".duvoform" / "journal").glob("*.jsonl")
    events = [event["event"] for event in read_journal(journal)]
    assert events[0] == "run_start"
    assert "run_end" not in events

    emulator.set_faults()
    resumed = invoke(emulator, "apply", "--auto-approve", "manifests")
    assert resumed.exit_code == 0, resumed.output
    assert names(emulator, "agents") == EXPECTED_AGENTS
    assert names(emulator, "folders") == {"Finance": 1, "Accounts Payable": 1}
    assert invoke(emulator, "plan", "--detailed-exitcode", "manifests").exit_code == 0


def _journal_events(directory: Path) -> list[dict[str, object]]:
    return [event for path in directory.glob("*.jsonl") for event in read_journal(path)]


def _interrupt(
    emulator: EmulatorControl,
    cwd: Path,
    args: list[str],
    ready: Callable[[], bool],
    stop: signal.Signals = signal.SIGINT,
) -> tuple[int, str]:
    """Run ``duvoform ARGS`` in a process, send ``stop`` (Ctrl-C's SIGINT, or SIGTERM) once
    ``ready()`` holds, and return its exit code and stderr."""
    process = subprocess.Popen(
        [*AT_A_TERMINAL, *args],
        cwd=cwd,
        env=subprocess_env(emulator),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not ready():
            assert process.poll() is None, "the command finished before it could be interrupted"
            assert time.monotonic() < deadline, "the command never got ready to be interrupted"
            time.sleep(0.02)
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in stderr
    return process.returncode, stderr


@pytest.mark.parametrize(
    ("mode", "stop"),
    [
        ("manifests", signal.SIGINT),
        ("plan file", signal.SIGINT),
        ("manifests", signal.SIGTERM),
        ("plan file", signal.SIGTERM),
    ],
)
def test_ctrl_c_mid_apply_says_how_far_it_got_and_the_next_apply_converges(
    emulator: EmulatorControl, team: Path, tmp_path: Path, mode: str, stop: signal.Signals
) -> None:
    target = "manifests"
    if mode == "plan file":
        assert invoke(emulator, "plan", "manifests", "--out", "plan.json").exit_code == 0
        target = "plan.json"
    emulator.set_faults(latency_ms=1000, methods=["POST"])  # writes stay in flight a while
    journals = tmp_path / ".duvoform" / "journal"

    def started() -> bool:
        return any(e["event"] == "step_start" for e in _journal_events(journals))

    args = ["apply", "--auto-approve", target]
    code, stderr = _interrupt(emulator, tmp_path, args, started, stop)
    assert code == (143 if stop is signal.SIGTERM else 130), stderr
    assert "Interrupted: apply stopped part-way, with " in stderr
    assert "whether they took effect is unknown" in stderr or "was in flight" in stderr
    again = "make a new plan" if mode == "plan file" else "duvoform apply finishes the job"
    assert again in stderr
    events = _journal_events(journals)
    last = events[-1]
    assert last["event"] == "run_interrupted"
    begun = {e["step"] for e in events if e["event"] == "step_start"}
    ended = {e["step"] for e in events if str(e["event"]).startswith("step_") and "status" in e}
    in_flight = last["in_flight"]
    assert isinstance(in_flight, list)
    assert {entry["step"] for entry in in_flight} == begun - ended != set()

    emulator.set_faults()
    resumed = invoke(emulator, "apply", "--auto-approve", "manifests")
    assert resumed.exit_code == 0, resumed.output
    assert names(emulator, "agents") == EXPECTED_AGENTS
    assert invoke(emulator, "plan", "--detailed-exitcode", "manifests").exit_code == 0


def test_ctrl_c_mid_plan_says_nothing_was_changed(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    emulator.set_faults(latency_ms=1000)
    args = ["plan", "manifests", "--out", "plan.json"]
    code, stderr = _interrupt(emulator, tmp_path, args, lambda: emulator.stats()["total"] > 0)
    assert code == 130, stderr
    assert "Interrupted; a plan changes nothing, so nothing was changed; plan.json was not" in (
        stderr
    )
    assert not (tmp_path / "plan.json").exists()
