"""The Assignment kind's tables: what the manifest, the differ, import and show share."""

from __future__ import annotations

from duvoform.api.models import AGENT_FLAGS

__all__ = ["FLAGS"]

FLAGS: tuple[str, ...] = AGENT_FLAGS
"""The manifest's flags under ``spec``: the API's agent flags, by the same names."""
