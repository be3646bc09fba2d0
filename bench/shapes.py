"""Teams shaped like the ones users write, shared by every benchmark.

Every shape has assignments with distinct SOPs, agent flags that vary, sub-agents and handover
targets (always to an assignment written earlier, so there is no cycle), spread over folders
three deep (``Dept N / Area N.M / Team N.M.K``), 50 assignments per file. The shapes differ in
where the SOPs come from and what the builds connect to:

- ``inline``: a short, distinct inline ``sop`` per assignment; no connections;
- ``files``: one ``sop_file`` per assignment (each its own file);
- ``templated``: distinct inline SOPs that use ``{{ vars.company }}`` and ``{{ vars.region }}``
  (from ``duvoform.yaml``), and a templated ``revision_name``;
- ``two-gmail``: inline SOPs; three custom MCP connections (one templated URL, secret headers)
  and two OAuth connections of one provider (``Gmail AP``, ``Gmail AR``); every third
  assignment uses one of the two Gmail connections, every fourth a custom MCP one;
- ``realistic``: all of the above mixed: a third inline, a third in files, a third templated;
  the connections of ``two-gmail``.

``write_shape`` writes a shape; ``oauth_seed`` is the emulator seed of its OAuth connections
(which only a person in a browser can make); ``seed_unchanged`` gives an emulator the live
state of a shape as if it had been applied, so that a plan of it has no change.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from duvoform.api import ClientSettings, open_client_at
from duvoform.apply import Executor, SecretReveal
from duvoform.emulator import EmulatorControl
from duvoform.engine.graph import DesiredState
from duvoform.engine.planner import build_plan
from duvoform.engine.steps import Op, resolve
from duvoform.kinds import Assignment
from duvoform.kinds.assignment.build import new_build_params
from duvoform.manifest import load_manifests

__all__ = [
    "SECRETS",
    "SHAPES",
    "emulator_process",
    "floor",
    "oauth_seed",
    "run_cli",
    "seed_unchanged",
    "write_shape",
]

SHAPES = ("inline", "files", "templated", "two-gmail", "realistic")
SECRETS = {"WH_TOKEN": "bench-token"}
PER_FILE = 50
GMAIL = ("Gmail AP", "Gmail AR")
MCP = ("Warehouse", "ERP tools", "CRM")
DEPTS, AREAS, TEAMS = 4, 3, 3
SETUP_OPS = {Op.FOLDER_CREATE, Op.CONNECTION_CREATE}

_STEPS = (
    "Read each new {thing} in the queue",
    "Check it against the purchase order and the contract terms",
    "Record any difference over {limit} in the ledger",
    "Escalate to the {team} lead when the vendor is new",
    "Reply to the sender with a summary",
)
_THINGS = ("invoice", "credit note", "expense claim", "refund request", "contract")


def _sop(i: int, templated: bool) -> str:
    """A distinct SOP for assignment ``i`` (templated ones use ``vars``)."""
    company = "{{ vars.company }}" if templated else "Acme"
    region = " in {{ vars.region }}" if templated else ""
    lines = [f"# Assignment {i}: {_THINGS[i % len(_THINGS)]}s for {company}{region}", ""]
    for n, step in enumerate(_STEPS[: 3 + i % 3], 1):
        text = step.format(thing=_THINGS[(i + n) % len(_THINGS)], limit=i % 97 + 5, team=i % 13)
        lines.append(f"{n}. {text}.")
    lines.append(f"Reference: case {i * 7919 % 100003}.")
    return "\n".join(lines)


def _folders() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for d in range(DEPTS):
        out.append((f"Dept {d}", None))
        for a in range(AREAS):
            out.append((f"Area {d}.{a}", f"Dept {d}"))
            for t in range(TEAMS):
                out.append((f"Team {d}.{a}.{t}", f"Area {d}.{a}"))
    return out


def _leaf(i: int) -> str:
    n = i % (DEPTS * AREAS * TEAMS)
    return f"Team {n // (AREAS * TEAMS)}.{n // TEAMS % AREAS}.{n % TEAMS}"


def _connections(i: int, shape: str) -> list[str]:
    if shape not in ("two-gmail", "realistic"):
        return []
    found = []
    if i % 3 == 0:
        found.append(GMAIL[i // 3 % 2])
    if i % 4 == 0:
        found.append(MCP[i // 4 % len(MCP)])
    return found


def _sop_kind(i: int, shape: str) -> str:
    if shape == "realistic":
        return ("inline", "files", "templated")[i % 3]
    return "inline" if shape == "two-gmail" else shape


def _assignment(root: Path, i: int, shape: str) -> str:
    kind = _sop_kind(i, shape)
    if kind == "files":
        (root / "sops" / f"a-{i:05d}.md").write_text(_sop(i, False) + "\n")
        sop = f"    sop_file: ../sops/a-{i:05d}.md\n"
    else:
        body = _sop(i, kind == "templated")
        sop = "    sop: |\n" + "".join(
            f"      {line}\n" if line else "\n" for line in body.split("\n")
        )
    lines = [
        "apiVersion: duvoform/v1",
        "kind: Assignment",
        f"metadata:\n  name: Assignment {i:05d}\n  labels: {{team: t{i % 20}}}",
        "spec:",
        f"  folder: {_leaf(i)}",
    ]
    if i % 3 == 1:
        lines.append("  slack_enabled: true")
    if i % 7 == 2:
        lines.append("  microsoft_teams_enabled: true")
    if i % 2 == 0:
        lines.append("  agentic_memory_enabled: true")
    lines += ["  build:", "    model: claude-sonnet-4-6"]
    lines.append(sop.rstrip("\n"))
    if i % 5 == 4:
        lines.append("    skills: [pdf-reader, spreadsheet]")
    if i % 5 == 3 and i >= 2:
        lines.append(f"    sub_agents: [Assignment {i - 2:05d}]")
    if i % 4 == 1 and i >= 1:
        lines.append(f"    handover_to: [Assignment {i - 1:05d}]")
    connections = _connections(i, shape)
    if connections:
        lines.append(f"    connections: [{', '.join(connections)}]")
    if kind == "templated":
        lines.append("    revision_name: 'Release {{ vars.release }}'")
    return "\n".join(lines) + "\n"


def write_shape(root: Path, shape: str, count: int) -> Path:
    """Write ``count`` assignments of ``shape`` (see the module docstring) under ``root``;
    returns ``root``."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; one of {', '.join(SHAPES)}")
    (root / "sops").mkdir(parents=True, exist_ok=True)
    (root / "assignments").mkdir(exist_ok=True)
    (root / "duvoform.yaml").write_text(
        "vars: {company: Acme Corp, region: EMEA, release: '2026.11', domain: mcp.example.com}\n"
    )
    folders = []
    for name, parent in _folders():
        spec = f"{{parent: {parent}}}" if parent else "{}"
        folders.append(
            f"apiVersion: duvoform/v1\nkind: Folder\nmetadata: {{name: {name}}}\nspec: {spec}\n"
        )
    (root / "folders.yaml").write_text("---\n".join(folders))
    if shape in ("two-gmail", "realistic"):
        docs = [
            f"apiVersion: duvoform/v1\nkind: Connection\nmetadata: {{name: {name}}}\n"
            f"spec:\n  type: custom_mcp\n  server_url: 'https://{{{{ vars.domain }}}}/{n}'\n"
            "  headers:\n    plaintext: {X-Org: acme}\n"
            "    secret: {Authorization: {env: WH_TOKEN}}\n"
            for n, name in enumerate(MCP)
        ]
        docs += [
            f"apiVersion: duvoform/v1\nkind: Connection\nmetadata: {{name: {name}}}\n"
            "spec:\n  oauth: {flow: native, provider: gmail}\n"
            for name in GMAIL
        ]
        (root / "connections.yaml").write_text("---\n".join(docs))
    for start in range(0, count, PER_FILE):
        docs = [_assignment(root, i, shape) for i in range(start, min(count, start + PER_FILE))]
        (root / "assignments" / f"batch-{start // PER_FILE:04d}.yaml").write_text(
            "---\n".join(docs)
        )
    return root


def floor(shape: str, count: int) -> tuple[int, str]:
    """The fewest requests the documented API allows for a plan of an unchanged team of the
    shape, and why: the folder list, the assignment list (pages of 100), the connection list,
    the credential header names of each connection that declares headers, and, for a slot of
    an integration the caller holds several connections of (two Gmail connections share the
    Gmail integration id), one read of the caller's pins: the API has no other way to say
    which of them is pinned."""
    lists = 1 + -(-count // 100) + 1
    if shape not in ("two-gmail", "realistic"):
        return lists, "the three lists"
    ambiguous = sum(1 for i in range(count) if any(c in GMAIL for c in _connections(i, shape)))
    why = (
        f"the three lists, {len(MCP)} credential reads, and {ambiguous} pin reads: one per "
        "assignment with a Gmail slot, as two Gmail connections share one integration id"
    )
    return lists + len(MCP) + ambiguous, why


def oauth_seed(shape: str) -> list[dict[str, Any]]:
    """Emulator seed rows of the shape's OAuth connections (made by a person in the API)."""
    if shape not in ("two-gmail", "realistic"):
        return []
    return [
        {"name": name, "type": "gmail", "provider": "oauth", "has_oauth_tokens": True}
        for name in GMAIL
    ]


def _agents_seed(desired: DesiredState) -> dict[str, Any]:
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
                {"integration": "gmail" if name in GMAIL else name, "pins": [name]}
                for name in spec.build.connections
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


async def _setup(control: EmulatorControl, root: Path) -> dict[str, Any]:
    os.environ.update(SECRETS)
    settings = ClientSettings(base_url=control.base_url, concurrency=16)
    async with open_client_at(control.base_url, settings, SecretStr(control.api_key)) as client:
        empty = await build_plan(load_manifests([root]), client)
        setup = [step for step in empty.steps if step.op in SETUP_OPS]
        report = await Executor(client, parallelism=8, reveal=SecretReveal(root)).run(
            setup, empty.ids
        )
    if not report.ok:
        raise SystemExit(f"setup failed: {[r.message for r in report.failed][:3]}")
    return _agents_seed(empty.desired)


def seed_unchanged(control: EmulatorControl, root: Path, shape: str) -> None:
    """Give the emulator behind ``control`` the live state of the team at ``root`` as if it had
    been applied: the OAuth connections seeded, the folders and custom connections made by the
    real executor, the assignments seeded in bulk with the builds the planner would make
    (named with its digest, connection slots pinned). The rate limit is lifted; the caller
    sets the one it measures with."""
    control.set_rate_limit(1_000_000_000, 60)
    if oauth_seed(shape):
        control.seed({"connections": oauth_seed(shape)})
    control.seed(asyncio.run(_setup(control, root)))


@contextlib.contextmanager
def emulator_process(rate_limit: str = "1000000000/60") -> Iterator[EmulatorControl]:
    """A ``duvoform emulator`` (state in memory) in a process of its own, on a free port."""
    command = [sys.executable, "-m", "duvoform", "emulator", "--port", "0"]
    # A file, not a pipe: a pipe nobody reads fills up and blocks the emulator.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in the finally below)
    server = subprocess.Popen(
        [*command, "--rate-limit", rate_limit], stdout=log, stderr=subprocess.STDOUT, text=True
    )
    url = token = ""
    while not token:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit(f"the emulator did not start:\n{log.read()}")
        time.sleep(0.05)
        log.seek(0)
        for line in log.read().splitlines():
            if line.startswith("Duvo emulator listening on "):
                url = line.split()[-1]
            if line.startswith("Admin token"):
                token = line.split()[-1]
    control = EmulatorControl(url, admin_token=token)
    try:
        yield control
    finally:
        control.close()
        server.terminate()
        server.wait()
        log.close()


def run_cli(
    control: EmulatorControl, *args: str, python: str = sys.executable
) -> tuple[float, int, str]:
    """Run ``duvoform ARGS`` as a process against the emulator (with the interpreter
    ``python``, which imports its own duvoform); its CPU seconds (user + system), its maximum
    resident set in bytes, and its stdout."""
    env = {**os.environ, **SECRETS, "DUVO_API_URL": control.base_url}
    env["DUVO_API_KEY"] = control.api_key
    # As installed: the bytecode cache is read (and written once), not compiled every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            [python, "-m", "duvoform", *args],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, stderr = out.read().decode(), err.read().decode()
    if child.returncode not in (0, 2):
        raise SystemExit(f"duvoform {' '.join(args)} failed:\n{stderr[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, text
