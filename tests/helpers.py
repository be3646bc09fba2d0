"""Builders shared by the whole suite (and the benchmarks): build configs as the Duvo API takes
and returns them, and emulator seed rows.

Package-specific helpers stay in each package's ``helpers`` module; what several packages
need lives here, once.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BROWSING", "MODEL", "seeded_agent", "v2_config"]

MODEL = "claude-sonnet-4-6"
BROWSING: dict[str, str] = {"provider": "anthropic", "model": "claude-sonnet-4-5"}


def v2_config(
    sop: Any = "Do the work.",
    *,
    model: str = MODEL,
    browsing: dict[str, str] | None = None,
    **data: Any,
) -> dict[str, Any]:
    """A v2 build config: ``model``, ``browsing`` (default ``BROWSING``), ``sop`` as its
    ``input``, and any other ``data`` fields (``skills``, ``subAgents``, ``options``...)."""
    models = {"agent": {"model": model}, "browsing": dict(browsing or BROWSING)}
    return {"version": "v2", "data": {"models": models, "input": sop, **data}}


def seeded_agent(
    name: str, sop: str = "Do the work.", *, build: str = "b1", **fields: Any
) -> dict[str, Any]:
    """An emulator seed row for an assignment with one (live) build named ``build`` whose
    config is ``v2_config(sop)``; ``fields`` are more keys of the row (``folder``, ``id``...)."""
    return {"name": name, "builds": [{"name": build, "config": v2_config(sop)}], **fields}
