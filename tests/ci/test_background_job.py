"""``.ci/run``'s pytest step run as a background job of a non-interactive shell, as CI may
start it: such a job begins with SIGINT ignored, so every test that stops a process with Ctrl-C
must start it through ``tests.e2e.helpers.AT_A_TERMINAL``. The step runs on the tests that send
signals (the whole suite would run twice)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SIGNAL_TESTS = (
    "tests/emulator/test_command.py",
    "tests/kinds/connection/test_oauth.py::test_ctrl_c_while_waiting_stops_cleanly",
    "tests/commands/test_apply.py::test_at_the_prompt_ctrl_c_interrupts_at_once_and_ctrl_d_cancels",
    "tests/e2e/test_faults.py::test_ctrl_c_mid_plan_says_nothing_was_changed",
)


def pytest_step() -> str:
    """The pytest command of ``.ci/run``."""
    script = (REPO / ".ci" / "run").read_text()
    found = re.search(r"^(?:CI=1 )?python -m pytest.*$", script, re.MULTILINE)
    assert found is not None, "no pytest step in .ci/run"
    return found.group(0)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX job control")
def test_the_signal_tests_pass_as_a_background_job() -> None:
    assert pytest_step().endswith("python -m pytest -q")
    step = f'"{sys.executable}" -m pytest -q -p no:cacheprovider ' + " ".join(SIGNAL_TESTS)
    # In a non-interactive shell, '&' starts the job with SIGINT and SIGQUIT ignored.
    script = f"{step} & wait $!"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    result = subprocess.run(
        ["bash", "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout[-2000:]
