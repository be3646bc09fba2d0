"""Hand-made steps for driving the executor against the emulator."""

from __future__ import annotations

from collections.abc import Mapping
from hashlib import sha256
from typing import Any

from duvoform.api.client import DuvoClient
from duvoform.apply import ApplyReport, Executor, SecretReveal
from duvoform.emulator import EmulatorControl
from duvoform.engine.steps import Op, Step, build_key, ref
from tests.helpers import v2_config

__all__ = [
    "MISSING_ID",
    "agent_step",
    "build_key",
    "connection_body",
    "folder_step",
    "ref",
    "run",
    "state_rows",
    "step",
]


MISSING_ID = "00000000-0000-4000-8000-000000000000"
"""A well-formed id that names no live object."""


def step(op: Op, address: str, n: int = 1, after: tuple[str, ...] = (), **params: Any) -> Step:
    """A step with id ``<address>#<n>``."""
    return Step(id=f"{address}#{n}", op=op, address=address, params=params, after=after)


def folder_step(name: str, parent: str | None = None, after: tuple[str, ...] = ()) -> Step:
    """``folder.create`` of ``Folder/<name>`` under the folder at address ``parent``."""
    return step(
        Op.FOLDER_CREATE,
        f"Folder/{name}",
        after=after,
        name=name.rpartition("/")[2],
        parent=ref(parent) if parent else None,
    )


def agent_step(
    name: str, sop: str = "Do the work.", after: tuple[str, ...] = (), **extra: Any
) -> Step:
    """``agent.create`` of ``Assignment/<name>`` with a first build named after its SOP."""
    config = extra.pop("config", v2_config(sop))
    return step(
        Op.AGENT_CREATE,
        f"Assignment/{name}",
        after=after,
        name=name,
        build={"name": f"duvoform:{sha256(sop.encode()).hexdigest()[:16]}", "config": config},
        **extra,
    )


def connection_body(
    name: str = "C",
    server_url: str = "https://mcp.example.com",
    *,
    plaintext: dict[str, str] | None = None,
    secret: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The body of a ``connection.create`` step for a custom MCP connection: authenticated by
    headers when it has some (``secret`` values are ``steps.secret`` markers), else by URL."""
    body: dict[str, Any] = {"name": name, "type": "custom_mcp", "server_url": server_url}
    headers = {part: values for part, values in (("plaintext", plaintext), ("secret", secret))}
    given = {part: values for part, values in headers.items() if values}
    body["auth_method"] = "headers" if given else "url"
    if given:
        body["headers"] = given
    return body


async def run(
    client: DuvoClient,
    steps: list[Step],
    ids: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    **options: Any,
) -> ApplyReport:
    """Run ``steps`` with a fresh executor (secrets from ``environ``)."""
    executor = Executor(client, reveal=SecretReveal(environ=environ or {}), **options)
    return await executor.run(steps, ids)


def state_rows(emulator: EmulatorControl, table: str) -> list[dict[str, Any]]:
    """Every row of one emulator table."""
    rows: list[dict[str, Any]] = emulator.state()[table]
    return rows
