"""Connections that need more than a manifest: OAuth flows and pre-flight checks.

- ``flows``: ``find_existing``, ``start``, ``wait``, ``finish``: the steps of
  ``duvoform connect NAME`` (native OAuth, MCP OAuth, Composio), as functions over a client.
- ``probe``: ``preflight``: the MCP probe of custom connections and the OAuth support check of
  MCP OAuth servers, for ``plan --probe``.
"""

from __future__ import annotations

from duvoform.connect.flows import (
    DEFAULT_CALLBACK_URL,
    Flow,
    find_existing,
    finish,
    later_advice,
    oauth_spec,
    start,
    wait,
)
from duvoform.connect.probe import Finding, preflight

__all__ = [
    "DEFAULT_CALLBACK_URL",
    "Finding",
    "Flow",
    "find_existing",
    "finish",
    "later_advice",
    "oauth_spec",
    "preflight",
    "start",
    "wait",
]
