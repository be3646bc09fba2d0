"""Benchmark: ``import`` and ``show`` on a large team, in requests (the emulator's count) and time.

For each team size, a fresh emulator is served over real HTTP (uvicorn on loopback) with
``--latency-ms`` of added latency per request and the documented rate limit (300 a minute). It
is seeded with that many assignments, each with a live build that has one integration slot
pinned to one of ``--connections`` custom MCP connections with a secret header, plus one
native OAuth connection. Then, through the real CLI in a temporary directory:

- ``duvoform import --out DIR``, then ``duvoform plan DIR --detailed-exitcode`` (must be 0);
- ``duvoform show Assignment/<id>`` (a direct read);
- ``duvoform show Assignment/<name>`` twice: the first with no name index (import fills it,
  so it is removed first) lists the team once and fills it, the second is served by it.

Printed per size: requests by the emulator's stats for each step, against the budgets
(import: 15 plus one per connection with headers; show: 5), and the seconds each took.

Usage: ``python bench/import_team.py [--sizes 100 1000] [--connections 3] [--latency-ms 0]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl, EmulatorSettings, create_app, serve_in_thread

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for tests/
from tests.helpers import v2_config


def team(size: int, connections: int) -> dict[str, Any]:
    """Seed data: ``size`` assignments in ten folders, each wired to one MCP connection."""
    return {
        "folders": [{"name": f"Team {n}"} for n in range(10)],
        "connections": [
            {
                "name": f"MCP {n}",
                "server_url": f"https://mcp{n}.example.com",
                "headers": {"secret": {"Authorization": f"Bearer bench-{n}"}},
            }
            for n in range(connections)
        ]
        + [{"name": "Inbox", "type": "gmail", "provider": "oauth", "auth_method": "oauth"}],
        "agents": [
            {
                "name": f"Assignment {n:05d}",
                "folder": f"Team {n % 10}",
                "builds": [
                    {
                        "config": v2_config(
                            f"Assignment {n}: check each invoice against its purchase order.\n"
                        ),
                        "integrations": [
                            {
                                "integration": f"MCP {n % connections}",
                                "pins": [f"MCP {n % connections}"],
                            }
                        ],
                    }
                ],
            }
            for n in range(size)
        ],
    }


def run(control: EmulatorControl, *args: str) -> tuple[int, int, float]:
    """(exit code, requests the emulator counted, seconds) of one CLI run."""
    control.clear_stats()
    env = {"DUVO_API_KEY": control.api_key, "DUVO_API_URL": None, "NO_COLOR": "1"}
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["--api-url", control.base_url, *args], env=env)
    seconds = time.perf_counter() - started
    return result.exit_code, int(control.stats()["total"]), seconds


def bench(size: int, connections: int, latency_ms: int) -> None:
    with serve_in_thread(create_app(EmulatorSettings())) as base_url:
        control = EmulatorControl(base_url)
        made = control.seed(team(size, connections))
        if latency_ms:
            control.set_faults(latency_ms=latency_ms)
        middle = made["agents"][size // 2]["id"]
        name = f"Assignment {size // 2:05d}"
        with tempfile.TemporaryDirectory() as work:
            os.chdir(work)
            Path(".git").mkdir()
            steps = [
                ("import", ("import", "--out", "out"), 15 + connections),
                ("plan of the import", ("plan", "out", "--detailed-exitcode"), None),
                ("show Assignment/<id>", ("show", f"Assignment/{middle}"), 5),
                ("show by name, cold index", ("show", f"Assignment/{name}"), None),
                ("show by name, warm index", ("show", f"Assignment/{name}"), 5),
            ]
            print(f"team of {size} assignments, {connections} connections with headers:")
            for label, args, budget in steps:
                if "cold" in label:
                    shutil.rmtree(Path(".duvoform") / "index", ignore_errors=True)
                code, requests, seconds = run(control, *args)
                limit = f" (budget {budget})" if budget is not None else ""
                print(f"  {label:<26} exit {code}  {requests:>4} requests{limit}  {seconds:6.2f} s")
        control.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--connections", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=0)
    options = parser.parse_args()
    home = os.getcwd()
    try:
        for size in options.sizes:
            bench(size, options.connections, options.latency_ms)
    finally:
        os.chdir(home)


if __name__ == "__main__":
    main()
