"""Compare rendered output with files in ``tests/render/golden/``.

Set ``DUVOFORM_UPDATE_GOLDEN=1`` to rewrite the files from the current output (then review the
git diff); without it a difference fails the test and a missing file is an error.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DUVOFORM_UPDATE_GOLDEN") == "1"


def assert_golden(name: str, actual: str) -> None:
    """Fail with a unified diff unless ``actual`` equals the golden file ``name``."""
    path = GOLDEN_DIR / name
    if UPDATE:
        GOLDEN_DIR.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    if not path.exists():
        pytest.fail(f"missing golden file {name}; run with DUVOFORM_UPDATE_GOLDEN=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"golden/{name}",
                tofile="actual",
            )
        )
        pytest.fail(f"output differs from golden/{name}:\n{diff}", pytrace=False)
