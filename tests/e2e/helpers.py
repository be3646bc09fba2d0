"""A small team of manifests and a way to run the real CLI against the emulator over HTTP."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl

TOKEN_ENV = "E2E_WAREHOUSE_TOKEN"
TOKEN = "e2e-canary-token-7f3a"  # a secret value that must never show up anywhere

TEAM = """\
apiVersion: duvoform/v1
kind: Folder
metadata: {name: Finance}
spec: {}
---
apiVersion: duvoform/v1
kind: Folder
metadata: {name: Accounts Payable}
spec: {parent: Finance}
---
apiVersion: duvoform/v1
kind: Connection
metadata: {name: Warehouse}
spec:
  type: custom_mcp
  server_url: https://mcp.example.com/warehouse
  shared: true
  headers:
    plaintext: {X-Org: acme}
    secret: {Authorization: {env: E2E_WAREHOUSE_TOKEN}}
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Vendor lookup}
spec:
  folder: Accounts Payable
  build:
    model: claude-sonnet-4-6
    sop: Look vendors up in the ERP.
    connections: [Warehouse]
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Invoice triage}
spec:
  folder: Accounts Payable
  agentic_memory_enabled: true
  build:
    model: claude-sonnet-4-6
    sop: |
      Triage every invoice.
      Ask Vendor lookup when the vendor is unknown.
    sub_agents: [Vendor lookup]
    handover_to: [Escalations]
    revision_name: Q4 policy
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {name: Escalations}
spec:
  slack_enabled: true
  build:
    model: claude-opus-4-7
    sop: Handle what the others cannot.
    handover_to: [Invoice triage]
"""


def worker(n: int) -> str:
    """One more assignment in Finance, for larger runs."""
    return f"""\
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {{name: Worker {n:03d}}}
spec:
  folder: Finance
  build:
    model: claude-sonnet-4-6
    sop: Worker {n} reconciles ledger batch {n}.
"""


def write_team(root: Path, workers: int = 0) -> Path:
    """Write the team (plus ``workers`` extra assignments) under ``root/manifests``."""
    manifests = root / "manifests"
    manifests.mkdir(parents=True, exist_ok=True)
    (manifests / "team.yaml").write_text(TEAM)
    if workers:
        (manifests / "workers.yaml").write_text("".join(worker(n) for n in range(workers)))
    return manifests


def invoke(emulator: EmulatorControl, *args: str, **env: str) -> Result:
    """Run ``duvoform --api-url <emulator> ARGS`` in process (stdin is not a terminal)."""
    environ = {"DUVO_API_KEY": emulator.api_key, TOKEN_ENV: TOKEN, "NO_COLOR": "1", **env}
    return CliRunner().invoke(
        cli, ["--api-url", emulator.base_url, *args], env=environ, catch_exceptions=False
    )


AT_A_TERMINAL = (
    sys.executable,
    "-c",
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('duvoform', run_name='__main__')",
)
"""``python -m duvoform`` with Ctrl-C handled as at a terminal: a process started as a
background job (as CI may run the tests) begins with SIGINT ignored, and Python keeps it so."""


def subprocess_env(emulator: EmulatorControl) -> dict[str, str]:
    """The environment for ``python -m duvoform`` against the emulator."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DUVO_API_URL": emulator.base_url,
        "DUVO_API_KEY": emulator.api_key,
        TOKEN_ENV: TOKEN,
        "NO_COLOR": "1",
    }


def names(emulator: EmulatorControl, table: str) -> Counter[str]:
    """How many live rows of ``table`` carry each name."""
    rows: list[dict[str, Any]] = emulator.state()[table]
    return Counter(row["name"] for row in rows)
