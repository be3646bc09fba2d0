"""Manifests with connections, and the real CLI run against the emulator over HTTP."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl

TOKEN_ENV = "CONN_TEST_TOKEN"


def custom(
    name: str = "Warehouse",
    *,
    url: str = "https://mcp.example.com/warehouse",
    auth_method: str | None = None,
    shared: bool = False,
    plaintext: dict[str, str] | None = None,
    secret: dict[str, dict[str, str]] | None = None,
    metadata: str = "",
) -> str:
    """A custom MCP Connection document."""
    spec: dict[str, Any] = {"type": "custom_mcp", "server_url": url, "shared": shared}
    if auth_method is not None:
        spec["auth_method"] = auth_method
    headers: dict[str, Any] = {}
    if plaintext:
        headers["plaintext"] = plaintext
    if secret:
        headers["secret"] = secret
    if headers:
        spec["headers"] = headers
    return (
        "apiVersion: duvoform/v1\nkind: Connection\n"
        f"metadata: {{name: {json.dumps(name)}{metadata}}}\n"
        f"spec: {json.dumps(spec)}\n"
    )


def oauth(name: str, flow: dict[str, str], *, shared: bool = False) -> str:
    """An OAuth Connection document."""
    spec: dict[str, Any] = {"oauth": flow}
    if shared:
        spec["shared"] = True
    return (
        "apiVersion: duvoform/v1\nkind: Connection\n"
        f"metadata: {{name: {json.dumps(name)}}}\nspec: {json.dumps(spec)}\n"
    )


def assignment(name: str, connections: list[str], sop: str = "Do the work.") -> str:
    """An Assignment document whose build names ``connections``."""
    return textwrap.dedent(
        f"""\
        apiVersion: duvoform/v1
        kind: Assignment
        metadata: {{name: {json.dumps(name)}}}
        spec:
          build:
            model: claude-sonnet-4-6
            sop: {json.dumps(sop)}
            connections: {json.dumps(connections)}
        """
    )


def write(root: Path, *documents: str, name: str = "team.yaml") -> Path:
    """Write ``documents`` as one manifest file under ``root/manifests``; return that folder."""
    manifests = root / "manifests"
    manifests.mkdir(parents=True, exist_ok=True)
    (root / ".git").mkdir(exist_ok=True)
    (manifests / name).write_text("---\n".join(documents))
    return manifests


def run(emulator: EmulatorControl, *args: str, env: dict[str, str] | None = None) -> Result:
    """``duvoform --api-url <emulator> ARGS`` in process (stdin is not a terminal)."""
    environ = {"DUVO_API_KEY": emulator.api_key, "NO_COLOR": "1", **(env or {})}
    return CliRunner().invoke(
        cli, ["--api-url", emulator.base_url, *args], env=environ, catch_exceptions=False
    )


def subprocess_env(emulator: EmulatorControl, **extra: str) -> dict[str, str]:
    """The environment for ``python -m duvoform`` against the emulator."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DUVO_API_URL": emulator.base_url,
        "DUVO_API_KEY": emulator.api_key,
        "NO_COLOR": "1",
        **extra,
    }


def connections(emulator: EmulatorControl) -> dict[str, dict[str, Any]]:
    """The emulator's connection rows by name (secret values as stored: in memory, as sent)."""
    rows: list[dict[str, Any]] = emulator.state()["connections"]
    return {row["name"]: row for row in rows}


def headers_of(row: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(plaintext, secret) headers of a connection row."""
    plain, secret = row["headers_plain"], row["headers_secret"]
    return (
        plain if isinstance(plain, dict) else json.loads(plain),
        secret if isinstance(secret, dict) else json.loads(secret),
    )


def routes(emulator: EmulatorControl) -> dict[str, int]:
    """Requests the emulator served, by route (``"GET /v1/connections"``)."""
    by_route: dict[str, int] = emulator.stats()["by_route"]
    return by_route


def apply_ok(emulator: EmulatorControl, root: Path) -> None:
    """``duvoform apply --auto-approve ROOT``, which must succeed."""
    result = run(emulator, "apply", "--auto-approve", str(root))
    assert result.exit_code == 0, result.output
