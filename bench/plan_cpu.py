"""Benchmark: the CPU and memory of a whole plan against PyYAML's C loader alone (DESIGN §11).

The budget: a plan of 10,000 assignments takes at most twice the CPU time of a C YAML parser
alone on the same files, with peak memory under 400 MB.

For each size, a team of N assignments is written by ``bench/load.py``'s generator
(folders, SOP files, sub-agents, handover targets, connections, templated strings), and an
in-process emulator (``create_app``, rate limit lifted, in a process of its own) is given the
matching live state, so that the plan is of an *unchanged* team:

- the folders and connections are made by the real executor, running the folder and
  connection steps of a plan against the empty emulator;
- the assignments and their builds are seeded in bulk (``POST /_emulator/seed``), each build
  named and configured by the planner's own ``new_build_params`` (so it carries the digest
  the planner expects), with its connection slots pinned.

A plan is then made once against the emulator, its responses recorded (the benchmark stops
if that plan has any change). The measurements run in another fresh Python process (so the
emulator's state is neither in its heap nor in its resident set), where the recorded
responses are replayed through ``httpx.MockTransport``: the CPU counted is duvoform's (and
httpx's, pydantic's, the parser's), not the emulator's. Figures are CPU seconds
(``time.process_time``), best of ``--repeat`` runs:

- ``CSafeLoader``: ``yaml.load_all(text, Loader=yaml.CSafeLoader)`` over every YAML file (read
  included): the floor any YAML-based tool pays;
- ``plan``: the whole plan: opening a client, ``load_manifests`` and ``build_plan`` (the
  desired state, the live read with its JSON decoding and the validation of the wire models,
  matching, diff, order and the safety rails), run by ``asyncio.run`` returning the
  result as the plan command does; with its two parts, timed within the same runs: ``load``
  (``load_manifests``) and ``build_plan`` (the rest);
- ``ratio``: plan over CSafeLoader (budget: at most 2.0x at 10,000);
- ``+ --out``: what ``plan --out`` adds: writing the plan file, with the manifest digest and
  the fingerprints of every live object read (computed only for a plan file);
- ``peak``: ``tracemalloc``'s peak over one more plan, and the process's maximum resident set
  (``resource.getrusage``, after the plans with and without ``--out``, before ``tracemalloc``
  starts; it includes the interpreter, the imported libraries and the recorded responses)
  (budget: under 400 MB at 10,000).

Figures only; nothing here asserts a time.

Usage: ``python bench/plan_cpu.py [--sizes 1000 10000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

import httpx
from load import c_loader, generate
from pydantic import SecretStr

from duvoform.api import ClientSettings, DuvoClient, open_client_at
from duvoform.apply import Executor, SecretReveal
from duvoform.emulator import DEFAULT_KEY, EmulatorSettings, create_app
from duvoform.engine.graph import DesiredState
from duvoform.engine.planfile import write_plan_file
from duvoform.engine.planner import PlanResult, build_plan
from duvoform.engine.steps import Op, resolve
from duvoform.kinds import Assignment
from duvoform.kinds.assignment.build import new_build_params
from duvoform.local import LocalTransport
from duvoform.manifest import load_manifests

BASE_URL = "http://duvo.local"
SECRETS = {"WH_TOKEN": "bench-token"}
SETUP_OPS = {Op.FOLDER_CREATE, Op.CONNECTION_CREATE}

Key = tuple[str, str, bytes]
Recorded = tuple[int, list[tuple[bytes, bytes]], bytes]


class Recorder(httpx.AsyncBaseTransport):
    """Passes requests on to ``inner`` and keeps every response, keyed by its request."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.responses: dict[Key, Recorded] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        headers = [(k, v) for k, v in response.headers.raw if k.lower() != b"content-encoding"]
        key = (request.method, str(request.url), request.content)
        self.responses[key] = (response.status_code, headers, content)
        return httpx.Response(response.status_code, headers=headers, content=content)


def replay(responses: dict[Key, Recorded]) -> httpx.MockTransport:
    """A transport that answers each request with the recorded response to it."""

    def handle(request: httpx.Request) -> httpx.Response:
        recorded = responses.get((request.method, str(request.url), request.content))
        if recorded is None:
            raise RuntimeError(f"no recorded response to {request.method} {request.url}")
        status, headers, content = recorded
        return httpx.Response(status, headers=headers, content=content)

    return httpx.MockTransport(handle)


def _client(transport: httpx.AsyncBaseTransport) -> Any:
    settings = ClientSettings(base_url=BASE_URL, concurrency=16)
    return open_client_at(BASE_URL, settings, SecretStr(DEFAULT_KEY), transport=transport)


def _seed(desired: DesiredState) -> dict[str, Any]:
    """The assignments of ``desired`` as live agents whose live builds are the desired ones."""
    assignments = [r for r in desired.of_kind(Assignment.KIND) if isinstance(r, Assignment)]
    ids = {desired.address(a): str(uuid.uuid4()) for a in assignments}
    agents = []
    for assignment in assignments:
        address = desired.address(assignment)
        spec = assignment.spec
        params = resolve(new_build_params(assignment, address, None), ids)
        folder = desired.folder_of(assignment)
        build: dict[str, Any] = {
            "name": params["name"],
            "config": params["config"],
            "revision_name": params.get("revision_name"),
            "revision_description": params.get("revision_description"),
            "handover_target_ids": params["handover_targets"],
            "integrations": [
                {"integration": name, "pins": [name]} for name in spec.build.connections
            ],
        }
        agents.append(
            {
                "id": ids[address],
                "name": assignment.metadata.name,
                "folder": "/".join(desired.folder_path(folder)) if folder else None,
                "slack_enabled": spec.slack_enabled,
                "microsoft_teams_enabled": spec.microsoft_teams_enabled,
                "agentic_memory_enabled": spec.agentic_memory_enabled,
                "builds": [build],
            }
        )
    return {"agents": agents}


async def _record(root: Path) -> dict[Key, Recorded]:
    """Give an in-process emulator the team's live state; the responses of a plan of it."""
    app = create_app(EmulatorSettings(rate_limit=1_000_000_000))
    try:
        transport = LocalTransport(app)
        async with _client(transport) as client:
            empty = await build_plan(load_manifests([root]), client)
            setup = [step for step in empty.steps if step.op in SETUP_OPS]
            report = await Executor(client, parallelism=8, reveal=SecretReveal(root)).run(
                setup, empty.ids
            )
            if not report.ok:
                raise SystemExit(f"setup failed: {[r.message for r in report.failed][:3]}")
        seed = _seed(empty.desired)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
            answer = await http.post(f"{BASE_URL}/_emulator/seed", json=seed)
            answer.raise_for_status()
        recorder = Recorder(LocalTransport(app))
        async with _client(recorder) as client:
            result = await build_plan(load_manifests([root]), client)
        if result.plan.changes:
            first = ", ".join(change.address for change in result.plan.changes[:3])
            raise SystemExit(f"the seeded team is not unchanged: {first}, ...")
        return recorder.responses
    finally:
        app.state.emulator.store.close()


# -- measuring (in a fresh process) ---------------------------------------------------------


async def _plan(
    root: Path, responses: dict[Key, Recorded], parts: dict[str, float], out: Path | None
) -> PlanResult:
    """A whole plan over replayed responses, its plan file written to ``out`` if given; notes
    the CPU seconds of ``load_manifests`` and of writing the plan file in ``parts``."""
    client: DuvoClient
    async with _client(replay(responses)) as client:
        start = time.process_time()
        manifests = load_manifests([root])
        parts["load"] = time.process_time() - start
        result = await build_plan(manifests, client)
    if result.plan.changes:
        raise SystemExit("the replayed plan has changes")
    if out is not None:
        start = time.process_time()
        write_plan_file(out, result, api_url=BASE_URL)
        parts["out"] = time.process_time() - start
    return result


def _whole(root: Path, responses: dict[Key, Recorded], out: Path | None = None) -> dict[str, float]:
    parts: dict[str, float] = {}
    start = time.process_time()
    asyncio.run(_plan(root, responses, parts, out))  # returning the result, as the command does
    parts["plan"] = time.process_time() - start - parts.get("out", 0.0)
    parts["build_plan"] = parts["plan"] - parts["load"]
    return parts


def measure(root: Path, recording: Path, repeat: int) -> dict[str, float]:
    """CPU seconds (best of ``repeat``) and peak memory; see the module docstring."""
    responses: dict[Key, Recorded] = pickle.loads(recording.read_bytes())
    files = sorted(root.rglob("*.yaml"))
    figures: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        figures[name] = min(figures.get(name, seconds), seconds)

    for _ in range(repeat):
        start = time.process_time()
        c_loader(files)
        keep("yaml", time.process_time() - start)
    for _ in range(repeat):
        for name, seconds in _whole(root, responses).items():
            keep(name, seconds)
    for _ in range(repeat):
        keep("out", _whole(root, responses, recording.with_name("plan.json"))["out"])
    figures["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    _whole(root, responses)
    figures["traced"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return figures


def _child(*args: str) -> str:
    # A child started by this (small) process: a child's maximum resident set starts from its
    # parent's at the fork, so neither the recording nor the measuring runs in a process that
    # already holds an emulator or a plan.
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{args[0]} failed (exit {done.returncode}):\n{done.stderr}")
    return done.stdout


def run(size: int, repeat: int) -> dict[str, float]:
    """Write the team, record its plan's responses, measure, each in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "team"
        generate(root, size)
        recording = Path(tmp) / "responses.pickle"
        _child("--record", str(root), str(recording))
        figures: dict[str, float] = json.loads(
            _child("--measure", str(root), str(recording), str(repeat))
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--record", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.update(SECRETS)
    if args.record:
        root, recording = args.record
        Path(recording).write_bytes(pickle.dumps(asyncio.run(_record(Path(root)))))
        return
    if args.measure:
        root, recording, repeat = args.measure
        print(json.dumps(measure(Path(root), Path(recording), int(repeat))))
        return
    header = ("assignments", "CSafeLoader", "plan", "ratio", "load", "build_plan", "+ --out")
    print("{:>11} {:>11} {:>8} {:>6} {:>7} {:>10} {:>8}".format(*header), end="")
    print(f" {'peak traced':>11} {'max RSS':>8}")
    for size in args.sizes:
        f = run(size, args.repeat)
        print(
            f"{size:>11} {f['yaml']:>10.3f}s {f['plan']:>7.3f}s {f['plan'] / f['yaml']:>5.2f}x "
            f"{f['load']:>6.3f}s {f['build_plan']:>9.3f}s {f['out']:>7.3f}s "
            f"{f['traced'] / 1e6:>8.0f} MB {f['rss'] / 1e6:>5.0f} MB"
        )


if __name__ == "__main__":
    main()
