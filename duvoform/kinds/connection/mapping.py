"""Live connections -> ``Connection`` manifest documents.

A custom MCP connection becomes ``type: custom_mcp`` with its ``server_url``, its
``auth_method`` (only when it is not the default the model would pick), ``shared: true`` when
shared, and its headers. Header values are never read: the credentials endpoint returns every
secret value as ``""``. So a header whose value comes back ``""`` is written as a secret
reference, ``{env: CONNECTION_HEADER}`` (a suggested variable name, unique in the import), and
reported as a ``SecretVariable`` that the user must set before the connection is re-created or
rotated; a header whose value comes back non-empty is a plaintext header (the API returns
plaintext values as stored; if it ever blanked them too, they would become secret references,
the safe side).

OAuth connections cannot be created unattended; they become ``oauth`` specs that ``duvoform
connect`` can start again. Which flow a live connection came from is not a field of the API,
so it is **guessed** from what the API returns (checked in this order):

1. ``provider == "composio"`` or a ``composio_mcp_id``: ``{flow: composio, app: <type>,
   auth_config_id: ...}``. The auth config id is not readable from the API, so a placeholder is
   written (with a comment and a note): it is only used if the connection is ever re-created.
2. ``provider == "oauth"``: a Duvo-native OAuth integration, ``{flow: native, provider: <type>}``
   (``type`` is the integration slug the native start endpoint takes, e.g. ``gmail``).
3. ``auth_method == "oauth"`` with a ``server_url``: a remote MCP server authorized with OAuth,
   ``{flow: mcp, server_url}`` plus ``integration_type: <type>`` unless ``type`` is
   ``custom_mcp``.
4. ``type == "custom_mcp"`` (or any connection with a ``server_url``): a custom MCP connection.
5. an ``oauth_provider`` or OAuth tokens without a ``server_url``: native, as in 2.

Anything else is not imported (a note says so). A ``transport_type`` other than ``http``
cannot be said in a manifest and is reported in a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from duvoform.api.models import Connection, ConnectionCredentials
from duvoform.kinds import Connection as ConnectionKind
from duvoform.kinds.document import Document, Skipped, check, header
from duvoform.kinds.names import UniqueNames, env_var_name

__all__ = [
    "COMPOSIO_PLACEHOLDER",
    "Flavour",
    "SecretVariable",
    "connection_document",
    "flavour",
]

COMPOSIO_PLACEHOLDER = "REPLACE-WITH-AUTH-CONFIG-ID"
"""Written for a Composio connection's ``auth_config_id``, which the API does not return."""

Flavour = Literal["custom_mcp", "native", "mcp", "composio", "unknown"]


@dataclass(frozen=True)
class SecretVariable:
    """An environment variable a user must set: it holds one secret header value."""

    name: str
    connection: str
    header: str


def flavour(connection: Connection) -> Flavour:
    """Which kind of manifest the live connection maps to (see the module docstring)."""
    if connection.provider == "composio" or connection.composio_mcp_id:
        return "composio"
    if connection.provider == "oauth":
        return "native"
    if connection.auth_method == "oauth" and connection.server_url:
        return "mcp"
    if connection.type == "custom_mcp" or connection.server_url:
        return "custom_mcp"
    if connection.oauth_provider or connection.has_oauth_tokens:
        return "native"
    return "unknown"


def connection_document(
    connection: Connection,
    credentials: ConnectionCredentials | None,
    *,
    variables: UniqueNames | None = None,
    pin_id: bool = False,
) -> tuple[Document | Skipped, tuple[SecretVariable, ...]]:
    """The ``Connection`` document of a live connection, and the variables its secret
    headers need. ``credentials``: its header names (None when they were not read);
    ``variables`` keeps suggested variable names unique across one import."""
    address = f"{ConnectionKind.KIND}/{connection.name}"
    metadata: dict[str, Any] = {"name": connection.name}
    if pin_id:
        metadata["id"] = connection.id
    kind = flavour(connection)
    notes: list[str] = []
    comments: tuple[str, ...] = ()
    secrets: tuple[SecretVariable, ...] = ()
    if kind == "unknown":
        return Skipped(
            ConnectionKind.KIND,
            connection.name,
            connection.id,
            f"duvoform cannot tell how a connection of type {connection.type!r} and provider "
            f"{connection.provider!r} was made",
        ), ()
    if kind == "custom_mcp":
        spec, secrets = _custom(connection, credentials, variables or UniqueNames("_"), notes)
    else:
        spec = {"oauth": _oauth(connection, kind)}
        if connection.shared:
            spec["shared"] = True
        if kind == "composio":
            comments = (
                "auth_config_id cannot be read back from the Duvo API: replace the placeholder",
                "before this connection is ever created again (duvoform connect).",
            )
            notes.append(
                "the Composio auth_config_id cannot be read back; the manifest has a "
                "placeholder to replace"
            )
    if (connection.transport_type or "http") != "http":
        notes.append(
            f"its transport is {connection.transport_type!r}, which a manifest cannot say "
            "(duvoform creates http connections)"
        )
    data = {**header(ConnectionKind.KIND, metadata), "spec": spec}
    document = Document(
        ConnectionKind.KIND,
        connection.name,
        connection.id,
        data,
        comments=comments,
        notes=tuple(f"{address}: {note}" for note in notes),
    )
    checked = check(document)
    return checked, secrets if isinstance(checked, Document) else ()


def _oauth(connection: Connection, kind: Flavour) -> dict[str, Any]:
    slug = connection.type or ""
    if kind == "composio":
        return {"flow": "composio", "auth_config_id": COMPOSIO_PLACEHOLDER, "app": slug}
    if kind == "native":
        return {"flow": "native", "provider": slug}
    oauth: dict[str, Any] = {"flow": "mcp", "server_url": connection.server_url}
    if slug and slug != "custom_mcp":
        oauth["integration_type"] = slug
    return oauth


def _custom(
    connection: Connection,
    credentials: ConnectionCredentials | None,
    variables: UniqueNames,
    notes: list[str],
) -> tuple[dict[str, Any], tuple[SecretVariable, ...]]:
    spec: dict[str, Any] = {"type": "custom_mcp", "server_url": connection.server_url}
    plaintext: dict[str, str] = {}
    secret: dict[str, dict[str, str]] = {}
    found: list[SecretVariable] = []
    if credentials is None:
        if connection.has_headers:
            notes.append("its header names were not read, so the manifest has no headers")
    else:
        for name in sorted(credentials.headers, key=str.casefold):
            value = credentials.headers[name]
            if value:
                plaintext[name] = value
                continue
            variable = variables.claim(env_var_name(connection.name, name))
            secret[name] = {"env": variable}
            found.append(SecretVariable(variable, connection.name, name))
    has_headers = bool(plaintext or secret)
    default_method = "headers" if has_headers else "url"
    method = connection.auth_method or default_method
    if method != default_method:
        spec["auth_method"] = method
    if connection.shared:
        spec["shared"] = True
    if has_headers:
        headers: dict[str, Any] = {}
        if plaintext:
            headers["plaintext"] = plaintext
        if secret:
            headers["secret"] = secret
        spec["headers"] = headers
    return spec, tuple(found)
