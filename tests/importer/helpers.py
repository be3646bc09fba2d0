"""Live objects as the API returns them, for mapping tests."""

from __future__ import annotations

from typing import Any

from duvoform.api.models import Agent, Build, Connection, FolderListItem
from duvoform.engine.live import FolderTree
from tests.helpers import v2_config


def v2(model: str = "claude-sonnet-4-6", sop: Any = "Do the work.", **data: Any) -> dict[str, Any]:
    """A v2 build config (the model first: mapping tests vary it most)."""
    return v2_config(sop, model=model, **data)


def build(config: dict[str, Any] | None = None, **fields: Any) -> Build:
    """A live build."""
    body = {"id": "b-1", "name": "web app", "status": "live", "config": config or v2(), **fields}
    return Build.model_validate(body)


def agent(name: str = "Invoice triage", **fields: Any) -> Agent:
    """An assignment."""
    return Agent.model_validate({"id": f"id-{name}", "name": name, **fields})


def connection(name: str, **fields: Any) -> Connection:
    """A connection."""
    return Connection.model_validate({"id": f"c-{name}", "name": name, **fields})


def tree(*folders: tuple[str, str, str | None]) -> FolderTree:
    """Folders from ``(id, name, parent id)``."""
    return FolderTree(FolderListItem(id=i, name=n, parent_folder_id=p) for i, n, p in folders)
