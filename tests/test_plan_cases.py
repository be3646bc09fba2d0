"""Golden plan cases: ``duvoform plan`` through the real CLI against the emulator over HTTP.

Each ``tests/cases/NNN-name/`` (three digits; ``bad-*`` are validate cases) holds:

- ``seed.json``: the live state, loaded into a fresh emulator (``{}`` for an empty team);
- ``manifests/``: the manifests, planned as ``duvoform plan manifests --detailed-exitcode``
  from a copy of the case directory (marked as a repository top, so the manifest root search
  stops there);
- ``args.txt`` (optional): more arguments for ``plan``;
- ``expected.txt``: stdout of the text plan, then ``[stderr]`` and stderr when there is any,
  then ``[exit N]``;
- ``expected.json``: stdout of the same plan with ``--format json`` (absent when the plan
  fails; stdout must then be empty).

A plan never writes (the emulator's stats are the witness). Regenerate the expectations
explicitly with ``DUVOFORM_UPDATE_GOLDEN=1 pytest tests/test_plan_cases.py``; without it, a
difference is a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.helpers import PLAN_CASES, stage_case

CASES = Path(__file__).parent / "cases"
UPDATE = os.environ.get("DUVOFORM_UPDATE_GOLDEN") == "1"
REQUIRED = {
    "empty-team",
    "no-op",
    "sop-edit",
    "model-edit",
    "rename",
    "folder-move",
    "nested-folders",
    "sub-agent-cycle",
    "adopted-web-app-build",
    "build-edited-outside-git",
    "ambiguous-names",
    "unknown-target",
}


def test_every_required_case_exists() -> None:
    names = {case.name.split("-", 1)[1] for case in PLAN_CASES}
    assert names >= REQUIRED


def _run(emulator: EmulatorControl, args: list[str]) -> Result:
    return CliRunner().invoke(
        cli,
        ["--api-url", emulator.base_url, "plan", "manifests", "--detailed-exitcode", *args],
        env={"DUVO_API_KEY": emulator.api_key, "DUVO_API_URL": None, "NO_COLOR": None},
        catch_exceptions=False,
    )


def _transcript(result: Result) -> str:
    text = result.stdout
    if result.stderr:
        text += "[stderr]\n" + result.stderr
    return text + f"[exit {result.exit_code}]\n"


@pytest.mark.parametrize("case", PLAN_CASES, ids=lambda path: path.name)
def test_plan_case(
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    deterministic_emulator: EmulatorControl,
) -> None:
    emulator = deterministic_emulator
    args = stage_case(case, tmp_path, monkeypatch, emulator)
    emulator.clear_stats()

    text = _run(emulator, args)
    as_json = _run(emulator, [*args, "--format", "json"])

    expected_text = case / "expected.txt"
    expected_json = case / "expected.json"
    if UPDATE:
        expected_text.write_text(_transcript(text))
        if as_json.exit_code == 1:
            expected_json.unlink(missing_ok=True)
        else:
            expected_json.write_text(as_json.stdout)
    assert "Traceback" not in text.output + text.stderr
    assert _transcript(text) == expected_text.read_text()
    assert as_json.exit_code == text.exit_code
    if text.exit_code == 1:
        assert as_json.stdout == ""
        assert not expected_json.exists()
    else:
        json.loads(as_json.stdout)  # exactly one JSON document
        assert as_json.stdout == expected_json.read_text()
    assert emulator.stats()["writes"] == 0
