"""The bad-input corpus: ``duvoform validate`` on every ``tests/cases/bad-*`` directory.

Each case directory holds manifests and ``expected.txt``, the exact expected stderr (paths
relative to the case directory), and optionally ``args.txt`` (the arguments after
``validate``; default ``.``). Each case runs the real CLI from a copy of its directory and
must exit 1, print exactly the expected text, and never a traceback.

Files ending in ``.in`` are copied without the suffix, with ``@@repeat:TEXT:COUNT@@``
expanded (so that a 5 MB value need not be committed). The copy lives under a directory
marked as a repository top (``.git``), so that the manifest root search stops there.

Regenerate the expectations explicitly with ``DUVOFORM_UPDATE_GOLDEN=1 pytest
tests/test_bad_cases.py``; without it, a difference is a failure.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli

CASES = Path(__file__).parent / "cases"
BAD_CASES = sorted(path for path in CASES.glob("bad-*") if path.is_dir())
UPDATE = os.environ.get("DUVOFORM_UPDATE_GOLDEN") == "1"
_REPEAT = re.compile(r"@@repeat:([^:]*):(\d+)@@")


def _prepare(case: Path, tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    work = tmp_path / case.name
    shutil.copytree(
        case, work, symlinks=True, ignore=shutil.ignore_patterns("expected.txt", "args.txt")
    )
    for template in work.rglob("*.in"):
        text = _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), template.read_text())
        template.with_suffix("").write_text(text)
        template.unlink()
    return work


def test_corpus_is_large_enough() -> None:
    assert len(BAD_CASES) >= 30


@pytest.mark.parametrize("case", BAD_CASES, ids=lambda path: path.name)
def test_bad_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = _prepare(case, tmp_path)
    args_file = case / "args.txt"
    args = shlex.split(args_file.read_text()) if args_file.exists() else ["."]
    monkeypatch.chdir(work)
    result = CliRunner().invoke(cli, ["validate", *args], catch_exceptions=False)

    expected_file = case / "expected.txt"
    if UPDATE:
        expected_file.write_text(result.stderr)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert result.stderr == expected_file.read_text()
