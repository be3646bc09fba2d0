"""``show``'s facts of a connection: its fields and headers as JSON data.

Secret header values are never here: the API does not return them. A header the credentials
endpoint reports with a blank value is ``{"type": "secret", "state": "set"}``; one a manifest
declares that the live connection lacks is ``"state": "unset"``; a non-blank value is a
plaintext header and is kept (plaintext headers are committed to git by design).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duvoform.lookup.reads import ConnectionView

__all__ = ["facts_connection"]


def facts_connection(
    view: ConnectionView, declared: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The connection and its headers as JSON data: names, plaintext values, and ``set`` or
    ``unset`` for secrets. ``declared``: header name -> ``secret``/``plaintext`` from its
    manifest, so that a declared header the live connection lacks shows as unset."""
    c = view.connection
    headers: list[dict[str, Any]] = []
    live = view.credentials.headers if view.credentials is not None else {}
    for name in sorted(live, key=str.casefold):
        value = live[name]
        if value:
            headers.append({"name": name, "type": "plaintext", "state": "set", "value": value})
        else:
            headers.append({"name": name, "type": "secret", "state": "set"})
    for name, kind in sorted((declared or {}).items()):
        if name not in live:
            headers.append({"name": name, "type": kind, "state": "unset"})
    return {
        "id": c.id,
        "name": c.name,
        "type": c.type,
        "provider": c.provider,
        "server_url": c.server_url,
        "transport_type": c.transport_type,
        "auth_method": c.auth_method,
        "shared": bool(c.shared),
        "oauth_provider": c.oauth_provider,
        "oauth_scopes": list(c.oauth_scopes),
        "has_oauth_tokens": c.has_oauth_tokens,
        "integration_id": c.integration_id,
        "custom_integration_id": c.custom_integration_id,
        "composio_mcp_id": c.composio_mcp_id,
        "owner": c.user_id,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "broken_at": c.broken_at,
        "broken_reason": c.broken_reason,
        "headers": headers,
    }
