"""The Connection kind's home: its tables, live reads, fingerprint and show text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from duvoform.engine.context import Context
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveQuery, LiveState
from duvoform.engine.prune import plan_connection_deletes
from duvoform.kinds.base import Resource
from duvoform.kinds.connection import show
from duvoform.kinds.connection.diff import credential_reads, diff_connections
from duvoform.kinds.connection.model import Connection
from duvoform.kinds.home import KindHome, ShowWriter

__all__ = ["HOME", "ConnectionHome"]


class ConnectionHome(KindHome):
    """Connections: identified by name; changes run after folders, before assignments."""

    kind = Connection.KIND
    plural = "connections"
    stored = True
    operation_modules = ("duvoform.kinds.connection.ops",)

    @property
    def model(self) -> type[Resource]:
        return Connection

    def live_query(self, desired: DesiredState, query: LiveQuery) -> LiveQuery:
        """The credentials (header names) of the connections whose manifests declare
        headers."""
        return replace(query, credentials_for=query.credentials_for | credential_reads(desired))

    def diff(self, ctx: Context) -> None:
        diff_connections(ctx)

    def deletes(self, ctx: Context) -> None:
        plan_connection_deletes(ctx)

    def live_count(self, live: LiveState) -> int:
        return len(live.connections)

    def live_ids(self, live: LiveState, identity: str) -> list[str]:
        return [c.id for c in live.connections_named(identity)]

    def fingerprint_view(self, live: LiveState, live_id: str) -> dict[str, Any] | None:
        """Name, type, provider, server URL, auth method, shared, ``has_headers``, and the
        credentials (header names; secret values are ``""``) when the plan read them."""
        conn = live.connection(live_id)
        if conn is None:
            return None
        return {
            "name": conn.name,
            "type": conn.type,
            "provider": conn.provider,
            "server_url": conn.server_url,
            "auth_method": conn.auth_method,
            "shared": bool(conn.shared),
            "has_headers": conn.has_headers,
            **(
                {"headers": dict(sorted(live.credentials[live_id].headers.items()))}
                if live_id in live.credentials
                else {}
            ),
        }

    def show_text(self, out: ShowWriter, facts: Mapping[str, Any]) -> None:
        show.show_text(out, facts)


HOME = ConnectionHome()
