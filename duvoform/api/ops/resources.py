"""Operations on folders, connections, and the OAuth and probe flows of connections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import SecretStr

from duvoform.api import routes
from duvoform.api.models import (
    AuthorizationUrl,
    ComposioFinalizeRequest,
    ComposioFinalizeResult,
    ComposioStartRequest,
    ComposioStartResult,
    Connection,
    ConnectionCredentials,
    CreateConnectionRequest,
    CreateFolderRequest,
    DeleteConnectionResult,
    Folder,
    FolderListItem,
    McpOAuthCheck,
    McpOAuthStartRequest,
    McpProbeResult,
    MoveAgentsResult,
    NativeOAuthStartRequest,
    Success,
    UpdateConnectionRequest,
    UpdateFolderRequest,
)
from duvoform.api.models.envelopes import ConnectionPage, FolderEnvelope, FolderList
from duvoform.api.ops.base import ClientBase, as_body
from duvoform.api.pagination import Page, fetch_all

__all__ = ["ConnectionOps", "FolderOps"]


class FolderOps(ClientBase):
    """Folders and moving assignments between them."""

    async def list_folders(self) -> list[FolderListItem]:
        """Every folder of the team (one request: the list is not paginated)."""
        result, _ = await self._call(FolderList, routes.FOLDERS)
        return result.folders

    async def create_folder(self, body: CreateFolderRequest | Mapping[str, Any]) -> Folder:
        """Create a folder (never retried blindly)."""
        result, _ = await self._call(
            FolderEnvelope,
            routes.CREATE_FOLDER,
            body=as_body(CreateFolderRequest, body),
        )
        return result.folder

    async def update_folder(
        self, folder_id: str, body: UpdateFolderRequest | Mapping[str, Any]
    ) -> Folder:
        """Rename a folder or move it under another parent (``None``: the root)."""
        result, _ = await self._call(
            FolderEnvelope,
            routes.UPDATE_FOLDER,
            {"folder_id": folder_id},
            body=as_body(UpdateFolderRequest, body),
        )
        return result.folder

    async def delete_folder(self, folder_id: str, *, force: bool = False) -> Success:
        """Delete a folder; without ``force`` a non-empty folder is refused (400, with
        ``has_contents`` and ``agent_count`` in the error's ``body``)."""
        result, _ = await self._call(
            Success,
            routes.DELETE_FOLDER,
            {"folder_id": folder_id},
            params={"force": "true"} if force else None,
            accept_after_retry=frozenset({404}),
        )
        return result

    async def move_agents(
        self, agent_ids: Iterable[str], folder_id: str | None
    ) -> MoveAgentsResult:
        """Move assignments into a folder, or to the root when ``folder_id`` is ``None``.

        A folder uses the founding spec's ``POST /v1/agent-folders/{folder_id}/agents``; the
        root needs ``POST /v1/agent-folders/move-agents`` with ``folder_id: null``. Moving is
        idempotent, so it is retried like a read. No ids: no request.
        """
        ids = list(dict.fromkeys(agent_ids))
        if not ids:
            return MoveAgentsResult(success=True, moved_count=0)
        if folder_id is None:
            result, _ = await self._call(
                MoveAgentsResult,
                routes.MOVE_TO_ROOT,
                body={"agent_ids": ids, "folder_id": None},
                safe=True,
            )
        else:
            result, _ = await self._call(
                MoveAgentsResult,
                routes.MOVE_TO_FOLDER,
                {"folder_id": folder_id},
                body={"agent_ids": ids},
                safe=True,
            )
        return result


class ConnectionOps(ClientBase):
    """Connections, their credentials, and the OAuth, Composio and probe flows."""

    async def list_connections(self, type: str | None = None) -> list[Connection]:
        """Every connection visible to the key's user (optionally of one integration type)."""

        async def page(offset: int, limit: int) -> Page[Connection]:
            params: dict[str, str | int] = {"limit": limit, "offset": offset}
            if type is not None:
                params["type"] = type
            result, _ = await self._call(ConnectionPage, routes.CONNECTIONS, params=params)
            return Page(result.integrations, result.total, result.limit)

        connections: list[Connection] = await fetch_all(
            page, key=lambda c: c.id, page_size=self.page_size, what="connection list"
        )
        return connections

    async def get_connection(self, connection_id: str) -> Connection:
        """One connection (a bare object, no envelope)."""
        result, _ = await self._call(
            Connection, routes.CONNECTION, {"connection_id": connection_id}
        )
        return result

    async def create_connection(
        self, body: CreateConnectionRequest | Mapping[str, Any]
    ) -> Connection:
        """Create a custom MCP connection (never retried blindly)."""
        result, _ = await self._call(
            Connection, routes.CREATE_CONNECTION, body=as_body(CreateConnectionRequest, body)
        )
        return result

    async def update_connection(
        self, connection_id: str, body: UpdateConnectionRequest | Mapping[str, Any]
    ) -> Connection:
        """Change a connection; an empty secret header value keeps the stored one."""
        result, _ = await self._call(
            Connection,
            routes.UPDATE_CONNECTION,
            {"connection_id": connection_id},
            body=as_body(UpdateConnectionRequest, body),
        )
        return result

    async def delete_connection(self, connection_id: str) -> DeleteConnectionResult:
        """Delete a connection (and the triggers bound to it)."""
        result, _ = await self._call(
            DeleteConnectionResult,
            routes.DELETE_CONNECTION,
            {"connection_id": connection_id},
            accept_after_retry=frozenset({404}),
        )
        return result

    async def get_credentials(self, connection_id: str) -> ConnectionCredentials:
        """A connection's header names (secret values come back as ``""``)."""
        result, _ = await self._call(
            ConnectionCredentials,
            routes.CONNECTION_CREDENTIALS,
            {"connection_id": connection_id},
        )
        return result

    async def start_native_oauth(
        self, provider: str, body: NativeOAuthStartRequest | Mapping[str, Any] | None = None
    ) -> AuthorizationUrl:
        """Start a native OAuth flow; a person must open the returned URL."""
        result, _ = await self._call(
            AuthorizationUrl,
            routes.NATIVE_OAUTH_START,
            {"provider": provider},
            body=as_body(NativeOAuthStartRequest, body),
        )
        return result

    async def start_mcp_oauth(
        self, body: McpOAuthStartRequest | Mapping[str, Any]
    ) -> AuthorizationUrl:
        """Start an MCP OAuth (dynamic client registration) flow."""
        result, _ = await self._call(
            AuthorizationUrl,
            routes.MCP_OAUTH_START,
            body=as_body(McpOAuthStartRequest, body),
        )
        return result

    async def check_mcp_oauth(self, mcp_server_url: str) -> McpOAuthCheck:
        """Whether an MCP server supports OAuth DCR (writes nothing; retried like a read)."""
        result, _ = await self._call(
            McpOAuthCheck,
            routes.MCP_OAUTH_CHECK,
            body={"mcp_server_url": mcp_server_url},
            safe=True,
        )
        return result

    async def probe_mcp(
        self, server_url: str, headers: Mapping[str, str | SecretStr] | None = None
    ) -> McpProbeResult:
        """Probe an MCP server with optional auth headers (writes nothing; header values
        are never logged). A failed probe is ``success=False``, not an error."""
        body: dict[str, Any] = {"server_url": server_url}
        if headers:
            body["headers"] = {
                name: value.get_secret_value() if isinstance(value, SecretStr) else value
                for name, value in headers.items()
            }
        result, _ = await self._call(McpProbeResult, routes.MCP_PROBE, body=body, safe=True)
        return result

    async def start_composio(
        self, body: ComposioStartRequest | Mapping[str, Any]
    ) -> ComposioStartResult:
        """Start a Composio-backed connection."""
        result, _ = await self._call(
            ComposioStartResult,
            routes.COMPOSIO_START,
            body=as_body(ComposioStartRequest, body),
        )
        return result

    async def finalize_composio(
        self, body: ComposioFinalizeRequest | Mapping[str, Any]
    ) -> ComposioFinalizeResult:
        """Finish a Composio connection once the account is authorized."""
        result, _ = await self._call(
            ComposioFinalizeResult,
            routes.COMPOSIO_FINALIZE,
            body=as_body(ComposioFinalizeRequest, body),
        )
        return result
