"""Benchmark: the requests a plan spends looking for a build to promote.

A plan lists an assignment's builds (``GET /v1/agents/{agent_id}/revisions``) when its latest
build is live only if the plan would otherwise make a new build and the assignment has more
than one build (``duvoform.kinds.assignment.promote``). This counts what that costs.

A team of ``--assignments`` assignments (bench/plan_apply.py's shape) is applied twice with two
SOPs, so each has two builds and the second is live. Then, with a fresh client each time, three
plans are counted, each with and without the build reads (``LiveQuery.builds_for`` off):

1. **unchanged**: the manifests as applied;
2. **changed**: every SOP changed again (a new build for each assignment);
3. **reverted**: every SOP back to the first one (each first build is promoted instead).

Printed per plan: requests with the reads, without them, the difference, and the changes.
Figures only; the emulator runs over HTTP on loopback with the rate limit lifted.

Usage: ``python bench/plan_builds.py [--assignments 1000]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/, for plan_apply
from plan_apply import _apply, _client, _plan, write_team

from duvoform.emulator import EmulatorControl, EmulatorSettings, create_app, serve_in_thread
from duvoform.engine.steps import Op
from duvoform.kinds.assignment import home

FIRST = "checks each invoice against its purchase order."
SECOND = "checks each invoice against its purchase order and its receipt."
THIRD = "checks each invoice, its purchase order and its receipt, twice."


def _with_sop(manifests: Path, sop: str) -> None:
    team = manifests / "team.yaml"
    text = team.read_text()
    for old in (FIRST, SECOND, THIRD):
        text = text.replace(old, sop)
    team.write_text(text)


async def _count(control: EmulatorControl, manifests: Path) -> dict[str, Any]:
    async with _client(control, concurrency=16) as client:
        result = await _plan(client, manifests)
        ops = Counter(step.op for step in result.steps)
        return {
            "requests": client.request_count,
            "changes": len(result.plan.changes),
            "new builds": ops[Op.BUILD_CREATE],
            "promotes": ops[Op.BUILD_PROMOTE],
        }


def _measure(control: EmulatorControl, manifests: Path) -> tuple[dict[str, Any], int]:
    found = asyncio.run(_count(control, manifests))
    with mock.patch.object(home, "builds_to_read", return_value=None):
        without = asyncio.run(_count(control, manifests))
    return found, int(without["requests"])


async def _setup(control: EmulatorControl, manifests: Path) -> None:
    control.set_rate_limit(1_000_000, 60)
    for sop in (FIRST, SECOND):
        _with_sop(manifests, sop)
        async with _client(control, concurrency=16) as client:
            report = await _apply(client, manifests, parallelism=16)
        if not report.ok:
            raise SystemExit(f"setup apply failed: {[r.message for r in report.failed][:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=1000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        manifests = write_team(Path(tmp), args.assignments)
        with serve_in_thread(create_app(EmulatorSettings())) as base_url:
            control = EmulatorControl(base_url)
            try:
                asyncio.run(_setup(control, manifests))
                for label, sop in (("unchanged", SECOND), ("changed", THIRD), ("reverted", FIRST)):
                    _with_sop(manifests, sop)
                    found, without = _measure(control, manifests)
                    rows.append((label, found, without))
            finally:
                control.close()
    print(f"plans of a team of {args.assignments} assignments, each with two builds:")
    for label, found, without in rows:
        print(
            f"  {label:9}: {found['requests']} requests ({without} without the build reads: "
            f"+{found['requests'] - without}); {found['changes']} changes: "
            f"{found['new builds']} new builds, {found['promotes']} promotes"
        )


if __name__ == "__main__":
    main()
