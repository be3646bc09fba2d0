"""Manifest snippets and live objects for the safety tests (pure planning and end to end)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

from tests.helpers import v2_config

HEADER = "apiVersion: duvoform/v1\n"
NAMESPACE = uuid.UUID("3f0f6d8e-52b1-4a8e-9a43-1f7e2b6c9d01")

FLAGS = ("prune", "allow_mass_delete", "allow_nonempty_folder_delete")
"""The options that widen what a plan may delete."""


def uid(label: str) -> str:
    """A fixed UUID for ``label``."""
    return str(uuid.uuid5(NAMESPACE, label))


def flag_combinations() -> Iterator[dict[str, bool]]:
    """Every combination of ``FLAGS`` (8), as ``PlanOptions`` keyword arguments."""
    for values in itertools.product((False, True), repeat=len(FLAGS)):
        yield dict(zip(FLAGS, values, strict=True))


def cli_flags(options: dict[str, bool]) -> list[str]:
    """The command-line flags of ``options`` (``allow_mass_delete`` -> ``--allow-mass-delete``)."""
    return [f"--{name.replace('_', '-')}" for name, on in options.items() if on]


def folder_doc(name: str, *, meta: str = "", spec: str = "") -> str:
    """A Folder manifest; ``meta`` and ``spec`` are extra flow-mapping entries."""
    body = f"spec: {{{spec}}}\n" if spec else ""
    return f"{HEADER}kind: Folder\nmetadata: {{name: {name}{meta}}}\n{body}"


def custom_doc(name: str, slug: str, *, meta: str = "") -> str:
    """A custom MCP Connection manifest whose server is ``https://mcp.example.com/<slug>``."""
    return (
        f"{HEADER}kind: Connection\nmetadata: {{name: {name}{meta}}}\n"
        f"spec: {{type: custom_mcp, server_url: 'https://mcp.example.com/{slug}'}}\n"
    )


def absent_doc(kind: str, name: str, *, meta: str = "") -> str:
    """A manifest that says ``ensure: absent``."""
    return f"{HEADER}kind: {kind}\nmetadata: {{name: {name}{meta}}}\nspec: {{ensure: absent}}\n"


def assignment_doc(name: str, *, meta: str = "", folder: str | None = None) -> str:
    """An Assignment manifest with a small build."""
    where = f"  folder: {folder}\n" if folder else ""
    return (
        f"{HEADER}kind: Assignment\nmetadata: {{name: {name}{meta}}}\nspec:\n{where}"
        "  build: {model: claude-sonnet-4-6, sop: Do the work.}\n"
    )


def docs(*items: str) -> str:
    """Several manifests in one file."""
    return "---\n".join(items)


def seed_connection(name: str, slug: str | None = None, **extra: Any) -> dict[str, Any]:
    """An emulator seed row for a custom MCP connection matching ``custom_doc(name, slug)``."""
    slug = slug or name.lower().replace(" ", "-")
    row: dict[str, Any] = {
        "id": uid(f"connection:{name}:{slug}"),
        "name": name,
        "server_url": f"https://mcp.example.com/{slug}",
        "auth_method": "url",
    }
    row.update(extra)
    return row


def seed_agent(name: str, folder_id: str | None = None) -> dict[str, Any]:
    """An emulator seed row for an assignment made in the web app (no manifest)."""
    config = v2_config(
        f"{name}: try things.",
        model="gpt-5",
        browsing={"provider": "google", "model": "gemini-2.5-flash"},
    )
    row: dict[str, Any] = {
        "id": uid(f"agent:{name}"),
        "name": name,
        "builds": [{"id": uid(f"build:{name}"), "name": "Made in the web app", "config": config}],
    }
    if folder_id is not None:
        row["folder_id"] = folder_id
    return row
