"""Benchmark: reading a team's live state, in requests and seconds.

For each team size, a fresh emulator is served over real HTTP (uvicorn on loopback) with
``--latency-ms`` of added latency per request (50 ms by default, about what a remote API costs)
and the documented rate limit (300 requests a minute). It is seeded with that many
assignments (each with one live build, spread over a few folders) and 20 connections; then
``read_live_state`` runs once with a fresh client. Printed per size: the requests the read took
(and the emulator's own count, which must agree), the seconds it took, and how many requests a
tool that reads one object per request would need for the same team.

Usage: ``python bench/live_read.py [--sizes 100 1000 5000] [--latency-ms 50]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from duvoform.api import ClientSettings, open_client
from duvoform.emulator import EmulatorControl, EmulatorSettings, create_app, serve_in_thread
from duvoform.engine.live import read_live_state

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for tests/
from tests.helpers import seeded_agent

FOLDERS = ["Finance", "Finance/AP", "Finance/AR", "Operations", "Operations/Support"]
CONNECTIONS = 20


def team(size: int) -> dict[str, Any]:
    """Seed data for a team of ``size`` assignments, each with one live build."""
    folders = []
    for path in FOLDERS:
        parent, _, name = path.rpartition("/")
        folders.append({"name": name, "parent": parent or None})
    return {
        "folders": folders,
        "connections": [
            {"name": f"MCP {n}", "server_url": f"https://mcp{n}.example.com"}
            for n in range(CONNECTIONS)
        ],
        "agents": [
            seeded_agent(
                f"Assignment {n:05d}",
                f"Assignment {n}: check each invoice against its purchase order.",
                folder=FOLDERS[n % len(FOLDERS)],
            )
            for n in range(size)
        ],
    }


async def read_once(control: EmulatorControl) -> tuple[int, float]:
    settings = ClientSettings(base_url=control.base_url)
    async with open_client(settings, SecretStr(control.api_key)) as client:
        started = time.perf_counter()
        state = await read_live_state(client)
        elapsed = time.perf_counter() - started
    return state.requests, elapsed


def run(size: int, latency_ms: int) -> dict[str, Any]:
    with serve_in_thread(create_app(EmulatorSettings())) as base_url:
        control = EmulatorControl(base_url)
        try:
            control.seed(team(size))
            control.set_faults(latency_ms=latency_ms)
            control.clear_stats()
            requests, seconds = asyncio.run(read_once(control))
            stats = control.stats()
        finally:
            control.close()
    return {
        "size": size,
        "requests": requests,
        "witnessed": stats["total"],
        "refused": stats["rate_limited"],
        "seconds": seconds,
        # folders list + one GET per assignment, per live build and per connection
        "one_per_object": 1 + 2 * size + CONNECTIONS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    print(f"live-state read, emulator over HTTP, {args.latency_ms} ms latency per request")
    print(
        f"{'assignments':>11}  {'requests':>8}  {'emulator':>8}  {'429s':>4}  "
        f"{'seconds':>7}  {'one-per-object':>14}"
    )
    for size in args.sizes:
        row = run(size, args.latency_ms)
        print(
            f"{row['size']:>11}  {row['requests']:>8}  {row['witnessed']:>8}  "
            f"{row['refused']:>4}  {row['seconds']:>7.2f}  {row['one_per_object']:>14}"
        )


if __name__ == "__main__":
    main()
