"""Benchmark: planning an unchanged team, and apply throughput against the rate limit.

Both parts run the real pipeline (manifests -> ``build_plan`` -> ``Executor``) against a fresh
emulator served over real HTTP (uvicorn on loopback) with ``--latency-ms`` of added latency
per request.

1. Plan of an unchanged team (DESIGN §11 budget: at most 15 requests), for every shape of
   ``bench/shapes.py``: ``--assignments`` assignments are written to a temporary directory and
   the emulator is given their live state (``shapes.seed_unchanged``); then a fresh client
   plans them. Printed: the requests the plan took (the client's count and the emulator's),
   the seconds, that the plan has no changes, and the floor the documented API allows for
   the shape, with its reason (``floor``).
2. Apply throughput (budget: at least 90% of the server's rate limit sustained, at most 1% of
   requests refused with 429). The emulator's limit is set low (``--limit`` requests per
   ``--window`` seconds) and ``--apply-assignments`` new assignments of the ``realistic``
   shape are applied (0 skips this part). Printed: the
   requests the executor sent, its seconds, and the fraction of requests the emulator refused
   with 429; and the rate as a fraction of the limit, two ways:

   - *sustained*: over whole rate-limit windows. The emulator's window opens with the first
     request after the previous one closed; requests are grouped into windows that way (from
     the client's send times), and the rate is the requests of every window but the last over
     the time from the first window's start to the last window's start. This is what a long
     apply sustains, and what the budget is about.
   - *overall*: all requests over the whole run. A run that ends early in a window (say 2
     requests into it) is charged a whole idle window, so for a run of a few windows this
     understates the sustained rate by up to one window's worth.

What limits the sustained rate: the client's limiter stops one request short of the limit
(its reserve) and waits for ``x-ratelimit-reset`` plus a small margin. The header is whole
Unix seconds (rounded up) and the emulator's window opens with the first request after the
last one closed, so each window costs about one second of idle time: about 95% of the limit
with 20 s windows (the default here), about 90% with 10 s windows, about 98% with the API's
documented 60 s windows.

Figures only; nothing here asserts a time.

Usage: ``python bench/plan_apply.py [--assignments 1000] [--apply-assignments 250]
[--limit 100] [--window 20] [--latency-ms 20] [--shapes ...]``
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from shapes import SHAPES, floor, oauth_seed, seed_unchanged, write_shape

from duvoform.api import ClientSettings, DuvoClient, open_client
from duvoform.apply import ApplyReport, Executor, SecretReveal
from duvoform.emulator import EmulatorControl, EmulatorSettings, create_app, serve_in_thread
from duvoform.engine.planner import PlanResult, build_plan
from duvoform.manifest import load_manifests


class Clocked(httpx.AsyncBaseTransport):
    """The real network, noting when each request was sent."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.sent: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(time.monotonic())
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def sustained_rate(sent: list[float], window: float) -> float:
    """Requests per second over whole windows (see the module docstring)."""
    starts: list[float] = []
    counts: list[int] = []
    for when in sorted(sent):
        if not starts or when >= starts[-1] + window:
            starts.append(when)
            counts.append(0)
        counts[-1] += 1
    if len(starts) < 2:
        return float("nan")
    return sum(counts[:-1]) / (starts[-1] - starts[0])


def _client(
    control: EmulatorControl, concurrency: int = 8, transport: Clocked | None = None
) -> Any:
    settings = ClientSettings(base_url=control.base_url, concurrency=concurrency)
    return open_client(settings, SecretStr(control.api_key), transport=transport)


async def _plan(client: DuvoClient, manifests: Path) -> PlanResult:
    return await build_plan(load_manifests([manifests]), client)


async def _apply(client: DuvoClient, manifests: Path, parallelism: int) -> ApplyReport:
    result = await _plan(client, manifests)
    executor = Executor(client, parallelism=parallelism, reveal=SecretReveal(manifests))
    return await executor.run(result.steps, result.ids)


async def plan_unchanged(control: EmulatorControl, manifests: Path) -> dict[str, Any]:
    """Measure a plan of the (seeded) team with a fresh client."""
    control.set_rate_limit(300, 60)  # the documented limit
    control.clear_stats()
    async with _client(control) as client:
        started = time.perf_counter()
        result = await _plan(client, manifests)
        seconds = time.perf_counter() - started
        requests = client.request_count
    return {
        "requests": requests,
        "witnessed": control.stats()["total"],
        "seconds": seconds,
        "changes": len(result.plan.changes),
        "unchanged": result.plan.unchanged,
    }


async def apply_throughput(
    control: EmulatorControl, manifests: Path, limit: int, window: float
) -> dict[str, Any]:
    """Apply a fresh team under a low rate limit; the executor's rate against the limit."""
    control.set_rate_limit(limit, window)
    control.clear_stats()
    clock = Clocked()
    async with _client(control, transport=clock) as client:
        report = await _apply(client, manifests, parallelism=8)
    stats = control.stats()
    if not report.ok:
        raise SystemExit(f"apply failed: {[r.message for r in report.failed][:3]}")
    rate = report.requests / report.seconds
    sustained = sustained_rate(clock.sent, window)
    return {
        "requests": report.requests,
        "seconds": report.seconds,
        "rate": rate,
        "fraction": rate / (limit / window),
        "sustained": sustained,
        "sustained_fraction": sustained / (limit / window),
        "refused": stats["rate_limited"],
        "total": stats["total"],
        "refused_fraction": stats["rate_limited"] / max(1, stats["total"]),
        "steps": len(report.results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=1000)
    parser.add_argument("--apply-assignments", type=int, default=250)
    parser.add_argument("--limit", type=int, default=100, help="requests per window")
    parser.add_argument("--window", type=float, default=20.0, help="seconds")
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    args = parser.parse_args()

    print(f"emulator over HTTP, {args.latency_ms} ms latency per request", flush=True)
    for shape in args.shapes:
        app = create_app(EmulatorSettings())
        with tempfile.TemporaryDirectory() as tmp, serve_in_thread(app) as base_url:
            control = EmulatorControl(base_url)
            try:
                control.set_faults(latency_ms=args.latency_ms)
                team = write_shape(Path(tmp) / "plan", shape, args.assignments)
                seed_unchanged(control, team, shape)
                planned = asyncio.run(plan_unchanged(control, team))
            finally:
                control.close()
        least, why = floor(shape, args.assignments)
        print(
            f"{shape:>10}: plan of an unchanged team of {args.assignments} assignments: "
            f"{planned['requests']} requests (emulator saw {planned['witnessed']}; budget <= 15; "
            f"floor {least}: {why}), {planned['seconds']:.2f} s, {planned['changes']} changes, "
            f"{planned['unchanged']} unchanged",
            flush=True,
        )
    if not args.apply_assignments:
        return
    app = create_app(EmulatorSettings())
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(app) as base_url:
        control = EmulatorControl(base_url)
        try:
            control.set_faults(latency_ms=args.latency_ms)
            control.seed({"connections": oauth_seed("realistic")})
            fresh = write_shape(Path(tmp) / "apply", "realistic", args.apply_assignments)
            applied = asyncio.run(apply_throughput(control, fresh, args.limit, args.window))
        finally:
            control.close()
    print(
        f"apply of {args.apply_assignments} new assignments ({applied['steps']} steps) at "
        f"{args.limit} requests / {args.window:g} s: {applied['requests']} requests in "
        f"{applied['seconds']:.1f} s; sustained {applied['sustained']:.2f}/s = "
        f"{applied['sustained_fraction']:.1%} of the limit (budget >= 90%), overall "
        f"{applied['rate']:.2f}/s = {applied['fraction']:.1%}; "
        f"{applied['refused']} of {applied['total']} requests refused with 429 = "
        f"{applied['refused_fraction']:.2%} (budget <= 1%)"
    )


if __name__ == "__main__":
    main()
