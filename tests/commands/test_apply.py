"""``duvoform apply``: confirmation, refusals before any write, plan-file checks, the local API."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import (
    AT_A_TERMINAL,
    TOKEN_ENV,
    invoke,
    names,
    subprocess_env,
    write_team,
)

SIMPLE = """\
apiVersion: duvoform/v1
kind: Folder
metadata: {name: Finance}
spec: {}
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Invoice triage}
spec:
  folder: Finance
  build: {model: claude-sonnet-4-6, sop: Triage invoices.}
"""


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    return write_team(tmp_path)


def _answer_at_a_terminal(
    emulator: EmulatorControl, cwd: Path, answer: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m duvoform ARGS`` with a terminal as stdin that answers ``answer``."""
    master, slave = pty.openpty()
    try:
        os.write(master, f"{answer}\n".encode())
        return subprocess.run(
            [sys.executable, "-m", "duvoform", *args],
            cwd=cwd,
            env=subprocess_env(emulator),
            stdin=slave,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(slave)
        os.close(master)


def test_at_a_terminal_json_mode_asks_on_stderr_and_stdout_is_only_the_report(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    result = _answer_at_a_terminal(
        emulator, tmp_path, "yes", "apply", "manifests", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert "Apply these changes?" in result.stderr


def test_without_auto_approve_and_no_terminal_apply_refuses_before_any_request(
    emulator: EmulatorControl, team: Path
) -> None:
    emulator.clear_stats()
    result = invoke(emulator, "apply", str(team))
    assert result.exit_code == 2
    assert "stdin is not a terminal" in result.stderr
    assert "--auto-approve" in result.stderr
    assert emulator.stats()["total"] == 0


@pytest.mark.parametrize(("answer", "applied"), [("yes", True), ("no", False)])
def test_at_a_terminal_apply_asks_and_only_yes_applies(
    emulator: EmulatorControl, team: Path, tmp_path: Path, answer: str, applied: bool
) -> None:
    result = _answer_at_a_terminal(emulator, tmp_path, answer, "apply", "manifests")
    assert "Apply these changes?" in result.stdout
    if applied:
        assert result.returncode == 0, result.stderr
        assert "Apply complete:" in result.stdout
        assert names(emulator, "agents")["Invoice triage"] == 1
    else:
        assert result.returncode == 1
        assert "apply cancelled: nothing was changed" in result.stderr
        assert emulator.stats()["writes"] == 0


def test_at_the_prompt_ctrl_c_interrupts_at_once_and_ctrl_d_cancels(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    # The prompt waits inside the event loop: its own Ctrl-C handler must not swallow the key.
    for key, code, said in [
        ("ctrl-c", 130, "Interrupted before anything was applied; nothing was changed."),
        ("ctrl-d", 1, "apply cancelled (no answer): nothing was changed"),
    ]:
        emulator.clear_stats()
        master, slave = pty.openpty()
        process = subprocess.Popen(
            [*AT_A_TERMINAL, "apply", "manifests"],
            cwd=tmp_path,
            env=subprocess_env(emulator),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            seen = ""
            while "Apply these changes?" not in seen:
                ready, _, _ = select.select([process.stdout], [], [], 60)
                assert ready, f"no prompt: {seen!r}"
                chunk = os.read(process.stdout.fileno(), 4096).decode()
                assert chunk, f"no prompt: {seen!r}"
                seen += chunk
            if key == "ctrl-c":
                process.send_signal(signal.SIGINT)
            else:
                os.write(master, b"\x04")
            try:
                _, stderr = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                pytest.fail(f"{key} at the prompt: still running after 30 s")
        finally:
            process.kill()
            process.wait()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
            os.close(slave)
            os.close(master)
        assert process.returncode == code, stderr
        assert said in stderr
        assert "Traceback" not in stderr
        assert emulator.stats()["writes"] == 0


def test_a_missing_plan_file_is_named_as_such(emulator: EmulatorControl, team: Path) -> None:
    result = invoke(emulator, "apply", "next-plan.json")
    assert result.exit_code == 1
    assert "cannot read the plan file next-plan.json: No such file or directory" in result.stderr


def test_a_missing_secret_is_named_and_nothing_is_written(
    emulator: EmulatorControl, team: Path
) -> None:
    emulator.clear_stats()
    result = invoke(emulator, "apply", "--auto-approve", str(team), **{TOKEN_ENV: ""})
    assert result.exit_code == 1
    assert f"environment variable {TOKEN_ENV} is set but empty" in result.stderr
    assert "nothing was applied" in result.stderr
    assert emulator.stats()["writes"] == 0


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("tok\udcffen", "is not valid UTF-8"),  # how Python reads bytes that are not UTF-8
        ("tok\nX-Evil: 1", "holds a line break or NUL"),
    ],
)
def test_an_unsendable_secret_is_named_and_nothing_is_written(
    emulator: EmulatorControl, team: Path, tmp_path: Path, value: str, says: str
) -> None:
    plan_file = tmp_path / "plan.json"
    assert invoke(emulator, "plan", "--out", str(plan_file), str(team)).exit_code == 0
    emulator.clear_stats()
    for args in (["--auto-approve", str(team)], [str(plan_file)]):
        result = invoke(emulator, "apply", *args, **{TOKEN_ENV: value})
        assert result.exit_code == 1, result.output
        assert f"environment variable {TOKEN_ENV} {says}" in result.stderr
        assert "nothing was applied" in result.stderr
        assert "Traceback" not in result.output
    assert emulator.stats()["writes"] == 0


def test_a_plan_file_takes_no_plan_shaping_flags(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert invoke(emulator, "plan", "--out", str(plan_file), str(team)).exit_code == 0
    result = invoke(emulator, "apply", str(plan_file), "--target", "Folder/Finance")
    assert result.exit_code == 2
    assert "a saved plan was shaped when it was made" in result.stderr


def test_a_file_that_is_not_a_plan_is_refused(emulator: EmulatorControl, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": "world"}))
    emulator.clear_stats()
    result = invoke(emulator, "apply", str(other))
    assert result.exit_code == 1
    assert "is not a duvoform plan file" in result.stderr
    assert emulator.stats()["total"] == 0


def test_a_plan_made_for_another_api_is_refused(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert invoke(emulator, "plan", "--out", str(plan_file), str(team)).exit_code == 0
    result = CliRunner().invoke(
        cli, ["--api-url", "local", "apply", str(plan_file)], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert f"was made for {emulator.base_url}, not local" in result.stderr
    assert not Path(".duvoform/emulator.sqlite3").exists()


def test_the_embedded_local_api_plans_applies_and_then_has_nothing_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team.yaml").write_text(SIMPLE)
    runner = CliRunner()
    env = {"NO_COLOR": "1"}
    applied = runner.invoke(
        cli, ["--api-url", "local", "apply", "--auto-approve", "team.yaml"], env=env
    )
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 3 done, 0 failed" in applied.stdout
    after = runner.invoke(
        cli, ["--api-url", "local", "plan", "--detailed-exitcode", "team.yaml"], env=env
    )
    assert after.exit_code == 0, after.output
    assert "No changes" in after.stdout
    assert (tmp_path / ".duvoform" / "emulator.sqlite3").is_file()
    assert len(list((tmp_path / ".duvoform" / "journal").glob("*.jsonl"))) == 1


def _run_in_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run ``python -m duvoform ARGS`` with a pseudo-terminal as stdin, stdout and stderr."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "duvoform", *args],
        cwd=cwd,
        env={**env, "COLUMNS": "120", "TERM": "xterm"},
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal closed: the process is gone
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(master)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_a_progress_bar_shows_on_a_terminal_only(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    not_a_terminal = invoke(emulator, "apply", "--auto-approve", str(team))
    assert "Apply complete:" in not_a_terminal.stdout
    assert "Applying" not in not_a_terminal.output

    emulator.reset()
    emulator.set_rate_limit(100_000, 60)
    code, output = _run_in_terminal(
        ["apply", "--auto-approve", "manifests"], tmp_path, subprocess_env(emulator)
    )
    assert code == 0, output
    assert "Applying" in output
    assert "Apply complete:" in output


def test_no_color_at_a_terminal_writes_no_escape_sequence_at_all(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in subprocess_env(emulator).items() if k != "NO_COLOR"}
    applied, output = _run_in_terminal(
        ["--no-color", "apply", "--auto-approve", "manifests"], tmp_path, env
    )
    assert applied == 0, output
    assert "Apply complete:" in output
    assert "\x1b" not in output  # no colour, no style, no progress bar moving the cursor
    (team / "team.yaml").write_text(SIMPLE)  # a changed build: coloured at a terminal
    planned, output = _run_in_terminal(["--no-color", "plan", "manifests"], tmp_path, env)
    assert planned == 0, output
    assert "± Assignment/Invoice triage will get a new build" in output
    assert "\x1b" not in output


def test_the_progress_bar_shows_names_with_square_brackets_as_they_are(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "team.yaml").write_text(
        SIMPLE.replace("{name: Invoice triage}", '{name: "Invoices [/] weekly"}')
    )
    code, output = _run_in_terminal(
        ["apply", "--auto-approve", "manifests"], tmp_path, subprocess_env(emulator)
    )
    assert code == 0, output
    assert "Traceback" not in output
    assert "Apply complete:" in output
    assert names(emulator, "agents") == {"Invoices [/] weekly": 1}


def test_off_a_terminal_a_long_apply_says_how_far_it_got(
    emulator: EmulatorControl, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No progress bar in a CI log: a line now and then instead, so that a long run is not silent.
    monkeypatch.setattr("duvoform.commands._progress.PROGRESS_EVERY", 0.0)
    result = invoke(emulator, "apply", "--auto-approve", str(team))
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("Applying: ")]
    assert lines, result.stderr
    assert lines[0].startswith("Applying: 1 of ")
    assert lines[0].endswith(" steps ended (0 s)")
