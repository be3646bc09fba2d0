"""``duvoform connect`` as one library call: the OAuth flow of one Connection manifest, from
finding it among the manifests to the named, shared live connection.

``connection_manifest`` picks the manifest (a ``UsageError`` naming the declared ones when NAME
is not there); ``authorize`` runs ``duvoform.kinds.connection.oauth``'s steps in their order::

    find_existing ──found──▶ finish (already connected)
         └──none──▶ start ──▶ on_url ──▶ consent (embedded API only) ──▶ wait ──▶ finish

The caller says what a person sees (``on_url``, given the started flow and its URL, when it
has one) and, with the embedded local API, who plays the person (``consent``); the library
prints nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from duvoform.api.client import DuvoClient
from duvoform.api.models import Connection as LiveConnection
from duvoform.engine.graph import DesiredState
from duvoform.errors import ConnectError, UsageError
from duvoform.kinds import Connection
from duvoform.kinds.connection.oauth import Flow, find_existing, finish, oauth_spec, start, wait
from duvoform.manifest import Manifests
from duvoform.text import did_you_mean, quote

__all__ = ["Authorized", "Consent", "authorize", "connection_manifest"]

Consent = Callable[[DuvoClient, str], Awaitable[None]]
"""Plays the person who opens the URL and consents (the embedded local API has no page)."""


@dataclass(frozen=True)
class Authorized:
    """The live connection, what ``finish`` did to it, and whether it existed already."""

    live: LiveConnection
    done: list[str] = field(default_factory=list)
    already: bool = False


def connection_manifest(manifests: Manifests, name: str) -> Connection:
    """The OAuth Connection manifest called ``name`` (``UsageError`` when there is none, or it
    is not an OAuth connection: NAME was a bad argument)."""
    desired = DesiredState.build(manifests)
    found = desired.get(Connection.KIND, name)
    if not isinstance(found, Connection):
        names = [r.name for r in desired.of_kind(Connection.KIND)]
        raise UsageError(
            f"no Connection {quote(name)} in the manifests" + did_you_mean(name, names)
            if names
            else f"no Connection {quote(name)} in the manifests (they declare no connections)"
        )
    try:
        oauth_spec(found)
    except ConnectError as exc:  # the manifest names no OAuth connection: a usage problem
        raise UsageError(exc.message) from None
    return found


async def authorize(
    client: DuvoClient,
    connection: Connection,
    *,
    on_url: Callable[[Flow, str], None],
    consent: Consent | None = None,
    return_url: str | None = None,
    timeout: float = 600.0,
    interval: float = 2.0,
) -> Authorized:
    """Connect ``connection`` unless a live one exists already (see the module docstring)."""
    existing = await find_existing(client, connection)
    if existing is not None:
        live, done = await finish(client, connection, existing)
        return Authorized(live, done, already=True)
    flow = await start(client, connection, return_url=return_url)
    if flow.url is not None:
        on_url(flow, flow.url)
        if consent is not None:
            await consent(client, flow.url)
    live = await wait(client, flow, timeout=timeout, interval=interval)
    live, done = await finish(client, connection, live)
    return Authorized(live, done)
