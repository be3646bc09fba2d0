"""Builders shared by the whole suite (and the benchmarks): build configs as the Duvo API takes
and returns them, and emulator seed rows.

Package-specific helpers stay in each package's ``helpers`` module; what several packages
need lives here, once.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest

    from duvoform.emulator import EmulatorControl

__all__ = ["BROWSING", "MODEL", "PLAN_CASES", "seeded_agent", "stage_case", "v2_config"]

CASES = Path(__file__).parent / "cases"
PLAN_CASES = sorted(p for p in CASES.iterdir() if p.is_dir() and p.name[:3].isdigit())
"""The golden plan cases, ``tests/cases/NNN-name/``."""

MODEL = "claude-sonnet-4-6"
BROWSING: dict[str, str] = {"provider": "anthropic", "model": "claude-sonnet-4-5"}


def v2_config(
    sop: Any = "Do the work.",
    *,
    model: str = MODEL,
    browsing: dict[str, str] | None = None,
    **data: Any,
) -> dict[str, Any]:
    """A v2 build config: ``model``, ``browsing`` (default ``BROWSING``), ``sop`` as its
    ``input``, and any other ``data`` fields (``skills``, ``subAgents``, ``options``...)."""
    models = {"agent": {"model": model}, "browsing": dict(browsing or BROWSING)}
    return {"version": "v2", "data": {"models": models, "input": sop, **data}}


def seeded_agent(
    name: str, sop: str = "Do the work.", *, build: str = "b1", **fields: Any
) -> dict[str, Any]:
    """An emulator seed row for an assignment with one (live) build named ``build`` whose
    config is ``v2_config(sop)``; ``fields`` are more keys of the row (``folder``, ``id``...)."""
    return {"name": name, "builds": [{"name": build, "config": v2_config(sop)}], **fields}


def stage_case(
    case: Path, work: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl
) -> list[str]:
    """Set up golden case ``case`` in ``work``: its manifests copied, ``work`` the working
    directory (a git checkout), the emulator seeded. Returns the case's extra CLI arguments."""
    (work / ".git").mkdir()
    shutil.copytree(case / "manifests", work / "manifests")
    monkeypatch.chdir(work)
    seed = json.loads((case / "seed.json").read_text())
    if seed:
        emulator.seed(seed)
    args_file = case / "args.txt"
    return shlex.split(args_file.read_text()) if args_file.exists() else []
