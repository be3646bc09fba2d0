"""``DuvoClient``: one typed async method per Duvo API operation duvoform uses.

Every call goes through the shared ``Transport`` (concurrency bound, rate limiter, retries,
error mapping, request counting). List methods return every item, reading the pages after the
first concurrently. Bodies may be given as the typed request models or as plain mappings, which
are checked against the same models before anything is sent.

Safety of each operation (see ``transport``): reads, PATCH, DELETE, promote, moves, the OAuth
check and the probe are retried; creates (agents, builds, folders, connections, slot attach,
pin, the OAuth and Composio starts, Composio finalize) raise ``UncertainWriteError`` when their
outcome is unknown.
"""

from __future__ import annotations

from duvoform.api.ops.agents import AgentOps
from duvoform.api.ops.resources import ConnectionOps, FolderOps

__all__ = ["DuvoClient"]


class DuvoClient(AgentOps, FolderOps, ConnectionOps):
    """Typed access to the Duvo API over one shared ``Transport``.

    Create one with ``duvoform.api.open_client`` (or ``App.client()`` in a command).
    """
