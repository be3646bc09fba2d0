"""OAuth flows as functions: start one, wait for its connection, finish it (REFERENCE §9.6).

``duvoform connect NAME`` runs them in this order::

    find_existing ──none──▶ start ──▶ (a person opens the URL and consents) ──▶ wait ──▶ finish
         └──found: already connected, nothing to do

- **native** (``oauth: {flow: native, provider}``): ``POST .../oauth/native/{provider}/start``.
  The start body documents no name (the v1 body was not readable; a guess), so Duvo names the
  connection; ``finish`` renames it to the manifest's name.
- **mcp** (``oauth: {flow: mcp, server_url[, integration_type]}``): the server is checked for
  dynamic client registration first (``.../oauth/mcp/check``: without it the flow cannot work),
  then ``.../oauth/mcp/start`` with the manifest's name.
- **composio** (``oauth: {flow: composio, auth_config_id, app}``): ``.../composio/start`` with a
  ``callback_url`` (the browser lands there after consent). The API has no way to read a
  Composio account's status, so ``wait`` calls ``.../composio/finalize`` until it stops
  answering 400 ("not authorized yet"); a status of ``FAILED`` in that answer means the person
  refused. A scheme that needs no browser (API key, bearer token) finishes at start
  (``redirect_url: null``) and is finalized at once.

``wait`` then polls ``GET /v1/connections?type=<type>`` every ``interval`` seconds until a
connection that was not there before the flow started appears (the one with the manifest's
name first, else the newest), or ``timeout`` passes (``ConnectError``). Waiting only reads, so
interrupting it (Ctrl-C) changes nothing: the person may still finish in the browser, and the
connection then appears by itself. ``finish`` renames the new connection to the manifest's
name and shares it when the manifest says ``shared: true``.

A connection's ``type`` is its integration slug: the provider (native), the
``integration_type`` or ``custom_mcp`` (mcp), or the app (Composio)
(``duvoform.kinds.connection.diff.expected_type``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from duvoform.api.client import DuvoClient
from duvoform.api.models import Connection as LiveConnection
from duvoform.errors import ApiError, ConnectError, UncertainWriteError
from duvoform.kinds import ComposioOAuth, Connection, McpOAuth, NativeOAuth, OAuthConnectionSpec
from duvoform.kinds.connection.diff import expected_type
from duvoform.text import quote

__all__ = [
    "DEFAULT_CALLBACK_URL",
    "Flow",
    "find_existing",
    "finish",
    "later_advice",
    "oauth_spec",
    "start",
    "wait",
]

DEFAULT_CALLBACK_URL = "https://app.duvo.ai/"
"""Where the browser lands after a Composio consent when ``--return-url`` is not given (a guess:
the API requires an absolute URI and documents no default)."""

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


@dataclass(frozen=True)
class Flow:
    """A started flow: where the person goes, and how to recognise the connection it makes.

    ``url`` is None when the flow finished without a browser (Composio API key schemes).
    ``known``: ids of the connections of ``type`` that existed before the flow started.
    ``account``: the Composio ``connected_account_id``.
    """

    name: str
    flow: str
    type: str
    url: str | None
    known: frozenset[str]
    account: str | None = None
    app: str | None = None


def oauth_spec(connection: Connection) -> OAuthConnectionSpec:
    """The OAuth spec of a Connection manifest (``ConnectError`` for any other kind)."""
    spec = connection.spec
    if isinstance(spec, OAuthConnectionSpec):
        return spec
    if connection.ensure == "absent":
        raise ConnectError(
            f"Connection {quote(connection.name)} is marked 'ensure: absent'; there is nothing "
            "to connect"
        )
    raise ConnectError(
        f"Connection {quote(connection.name)} is a custom MCP connection: duvoform apply "
        "creates it (no person needed); duvoform connect is for OAuth connections"
    )


async def find_existing(client: DuvoClient, connection: Connection) -> LiveConnection | None:
    """The live connection this manifest describes, if it exists: by its pinned id, its name,
    or one of its ``previous_names`` (``finish`` then renames it), and of the right type.

    ``ConnectError`` when two share the name, or the one of that name is of another type.
    """
    wanted = expected_type(oauth_spec(connection).oauth)
    listed = await client.list_connections()
    pinned = str(connection.metadata.id) if connection.metadata.id is not None else None
    named: list[LiveConnection] = [c for c in listed if c.id == pinned]
    for name in (connection.name, *connection.metadata.previous_names):
        if named:
            break
        named = [c for c in listed if c.name == name]
    if len(named) > 1:
        ids = ", ".join(c.id for c in named)
        raise ConnectError(
            f"{len(named)} live connections are named {quote(named[0].name)} ({ids}); "
            "pin one with metadata.id"
        )
    if not named:
        return None
    live = named[0]
    if live.type is not None and live.type != wanted:
        raise ConnectError(
            f"the live connection {quote(live.name)} ({live.id}) is of type "
            f"{quote(live.type)}, not {quote(wanted)}; delete or rename it in Duvo first"
        )
    return live


async def _ids_of_type(client: DuvoClient, kind: str) -> frozenset[str]:
    return frozenset(c.id for c in await client.list_connections(type=kind))


async def start(
    client: DuvoClient,
    connection: Connection,
    *,
    return_url: str | None = None,
    callback_url: str = DEFAULT_CALLBACK_URL,
) -> Flow:
    """Start the manifest's OAuth flow; ``ConnectError`` when the server cannot do it.

    ``return_url``: where the browser goes after consent (native and MCP; for Composio it
    replaces ``callback_url``).
    """
    flow = oauth_spec(connection).oauth
    kind = expected_type(flow)
    known = await _ids_of_type(client, kind)
    if isinstance(flow, NativeOAuth):
        body: dict[str, Any] = {"return_url": return_url} if return_url else {}
        answer = await client.start_native_oauth(flow.provider, body)
        return Flow(connection.name, "native", kind, answer.authorization_url, known)
    if isinstance(flow, McpOAuth):
        check = await client.check_mcp_oauth(flow.server_url)
        if not check.supports_dcr:
            raise ConnectError(
                f"{flow.server_url} does not support OAuth dynamic client registration, so "
                "Duvo cannot authorize it; ask the server's owner, or connect it as a custom "
                "MCP server with headers"
            )
        mcp: dict[str, Any] = {"mcp_server_url": flow.server_url, "name": connection.name}
        if flow.integration_type:
            mcp["integration_type"] = flow.integration_type
        if return_url:
            mcp["return_url"] = return_url
        answer = await client.start_mcp_oauth(mcp)
        return Flow(connection.name, "mcp", kind, answer.authorization_url, known)
    assert isinstance(flow, ComposioOAuth)
    started = await client.start_composio(
        {"auth_config_id": flow.auth_config_id, "callback_url": return_url or callback_url}
    )
    if (started.status or "").upper() == "FAILED":
        raise ConnectError(f"Composio refused to start the connection {quote(connection.name)}")
    return Flow(
        connection.name,
        "composio",
        kind,
        started.redirect_url,
        known,
        account=started.connected_account_id,
        app=flow.app,
    )


async def _finalize(client: DuvoClient, flow: Flow) -> bool:
    """One finalize attempt: True when done (or perhaps done), False when not authorized yet."""
    assert flow.account is not None
    assert flow.app is not None
    try:
        await client.finalize_composio(
            {"app": flow.app, "integration_name": flow.name, "connected_account_id": flow.account}
        )
    except UncertainWriteError:
        return True  # whether it happened shows in the connection list
    except ApiError as exc:
        if exc.status != 400:
            raise
        if "FAILED" in (exc.api_message or "").upper():
            raise ConnectError(
                f"the Composio account for {quote(flow.name)} was not authorized "
                f"(consent refused or failed): {exc.api_message}"
            ) from None
        return False
    return True


def _pick(flow: Flow, listed: list[LiveConnection]) -> LiveConnection | None:
    new = [c for c in listed if c.id not in flow.known]
    if not new:
        return None
    named = [c for c in new if c.name == flow.name]
    pool = named or new
    return max(pool, key=lambda c: (c.created_at or "", c.id))


async def wait(
    client: DuvoClient,
    flow: Flow,
    *,
    timeout: float = 600.0,
    interval: float = 2.0,
    sleep: Sleep = asyncio.sleep,
    clock: Clock = time.monotonic,
) -> LiveConnection:
    """Poll until the flow's connection appears (see the module docstring).

    Raises ``ConnectError`` after ``timeout`` seconds, or when a Composio consent failed.
    """
    deadline = clock() + timeout
    finalized = flow.flow != "composio"
    while True:
        if not finalized:
            finalized = await _finalize(client, flow)
        if finalized:
            found = _pick(flow, await client.list_connections(type=flow.type))
            if found is not None:
                return found
        if clock() >= deadline:
            raise ConnectError(
                f"gave up after {timeout:g} s: the connection {quote(flow.name)} did not appear. "
                + later_advice(flow.flow, flow.name)
            )
        await sleep(min(interval, max(deadline - clock(), 0.0)))


def later_advice(kind: str, name: str) -> str:
    """What happens if the person consents after duvoform stopped waiting, by flow kind."""
    again = f'run duvoform connect "{name}" again for a new link'
    if kind == "composio":
        # Only connect's finalize call turns a Composio consent into a Duvo connection.
        return f"A Composio connection is made only when connect finalizes it: {again}"
    return f"If the person finishes in the browser later, it appears by itself; otherwise {again}"


async def finish(
    client: DuvoClient, connection: Connection, live: LiveConnection
) -> tuple[LiveConnection, list[str]]:
    """Rename the new connection to the manifest's name and share it when asked (one PATCH,
    only when needed). Returns the connection and what was done, for the user."""
    spec = oauth_spec(connection)
    body: dict[str, Any] = {}
    done: list[str] = []
    if live.name != connection.name:
        body["name"] = connection.name
        done.append(f"renamed it from {quote(live.name)}")
    if spec.shared and not live.shared:
        body["shared"] = True
        done.append("shared it with the team")
    if body:
        live = await client.update_connection(live.id, body)
    return live, done
