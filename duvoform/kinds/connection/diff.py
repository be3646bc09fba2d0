"""Connections: creates, updates and renames of custom MCP connections; OAuth authorizations.

What a plan does for a Connection manifest:

- not live, ``type: custom_mcp``: **create** (``connection.create``; ``POST /v1/connections``)
  with its plaintext headers and its secret headers as ``$secret`` markers, never values;
  ``shared: true`` is PATCHed right after (the create body cannot set it).
- not live, ``oauth: {...}``: **authorize** (``connection.authorize``): a person must finish
  the flow in a browser (``duvoform connect NAME``), so apply reports it as pending.
- not live, ``ensure: absent``: nothing to do (expected absent).
- live, ``type: custom_mcp``: compared on ``name`` (a rename through ``previous_names``;
  refused when ``protected``), ``server_url``, ``auth_method``, ``shared`` and the headers
  (``duvoform.kinds.connection.headers``: names through ``/credentials``, plaintext values); any
  difference is one **update** (``connection.update``, one PATCH). Secret values are sent only where
  a header is new or was plaintext, or when ``--rotate-secrets`` names the connection.
- live, ``oauth: {...}``: matched by name *and type* (native: the provider slug; MCP: the
  ``integration_type``, else ``custom_mcp``, and the server URL; Composio: the app). Its name
  and ``shared`` are updated like a custom connection's; what it connects to cannot be changed
  through the API, so a live connection of another type or server is a warning.
- a live connection of another kind than the manifest (an OAuth connection where the manifest
  describes a custom MCP server, or the reverse) is a warning, and is left as it is.
- live, ``ensure: absent``: deleted, by ``duvoform.engine.prune``.

A secret ``{file: PATH}`` is written into the marker relative to the manifest root (the
manifest names it relative to itself), so the executor resolves it with
``resolve_secret(ref, source=None, root=<manifest root>)``.

``credential_reads(desired)`` names the connections whose credentials a plan reads (those
whose manifests declare headers): ``pipeline.live_query`` asks for them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from duvoform.api.models import Connection as LiveConnection
from duvoform.engine.context import Context, StepList
from duvoform.engine.graph import DesiredState
from duvoform.engine.plan import Action, Change, FieldChange
from duvoform.engine.steps import Op, ref, secret
from duvoform.errors import PlanError, Problem
from duvoform.kinds import (
    ComposioOAuth,
    Connection,
    CustomMcpConnectionSpec,
    McpOAuth,
    NativeOAuth,
    OAuthConnectionSpec,
    SecretRef,
)
from duvoform.kinds.connection.headers import diff_headers
from duvoform.text import did_you_mean, quote

__all__ = [
    "credential_reads",
    "diff_connections",
    "expected_type",
    "identities",
    "rotation_targets",
    "secret_marker",
]


def identities(resource: Connection | Any) -> set[str]:
    """The names and pinned id a live object of this manifest may carry (for ``LiveQuery``)."""
    found = {resource.name, *resource.metadata.previous_names}
    if resource.metadata.id is not None:
        found.add(str(resource.metadata.id))
    return found


def credential_reads(desired: DesiredState) -> frozenset[str]:
    """Names (and pinned ids) of the connections whose manifests declare headers."""
    out: set[str] = set()
    for connection in desired.of_kind(Connection.KIND):
        spec = connection.spec if isinstance(connection, Connection) else None
        if isinstance(spec, CustomMcpConnectionSpec) and (
            spec.headers.plaintext or spec.headers.secret
        ):
            out |= identities(connection)
    return frozenset(out)


def rotation_targets(desired: DesiredState, rotate: bool | frozenset[str]) -> frozenset[str]:
    """The addresses whose secrets ``--rotate-secrets`` sends again.

    ``True``: every custom MCP connection with secret headers. A set of names: those
    connections; a name that is not a Connection manifest with secret headers is a
    ``PlanError`` (with a "did you mean").
    """
    if rotate is False:
        return frozenset()
    with_secrets = {
        connection.name: desired.address(connection)
        for connection in desired.of_kind(Connection.KIND)
        if isinstance(connection, Connection) and connection.secret_refs()
    }
    if rotate is True:
        return frozenset(with_secrets.values())
    problems: list[str] = []
    for name in sorted(rotate):
        if name in with_secrets:
            continue
        resource = desired.get(Connection.KIND, name)
        if resource is not None:
            problems.append(
                f"--rotate-secrets {quote(name)}: the connection has no secret headers to rotate"
            )
        else:
            problems.append(
                f"--rotate-secrets {quote(name)}: no Connection of that name in the manifests"
                + did_you_mean(name, list(with_secrets))
            )
    if problems:
        raise PlanError([Problem(None, (reason,)) for reason in problems])
    return frozenset(with_secrets[name] for name in rotate)


def diff_connections(ctx: Context) -> None:
    """Creates, updates and authorizations for every declared connection."""
    rotating = rotation_targets(ctx.desired, ctx.options.rotate_secrets)
    for connection in ctx.desired.of_kind(Connection.KIND):
        assert isinstance(connection, Connection)
        address = ctx.address(connection)
        live_id = ctx.live_id(address)
        ctx.read(Connection.KIND, live_id)
        if live_id is not None:
            _existing(ctx, connection, address, live_id, address in rotating)
        elif connection.ensure == "absent":
            ctx.result.expected_absent.append({"kind": Connection.KIND, "name": connection.name})
            ctx.result.unchanged += 1
            ctx.result.notes.append(
                f"{address}: ensure: absent, and no live connection is called "
                f"{quote(connection.name)}; nothing to delete"
            )
        elif isinstance(connection.spec, CustomMcpConnectionSpec):
            _create(ctx, connection, connection.spec, address)
        elif isinstance(connection.spec, OAuthConnectionSpec):
            _authorize(ctx, connection, connection.spec, address)


def _existing(
    ctx: Context, connection: Connection, address: str, live_id: str, rotate: bool
) -> None:
    """A live connection: compared, and updated where it differs."""
    if connection.ensure == "absent":
        return  # deleted by duvoform.engine.prune
    live = ctx.live.connection(live_id)
    assert live is not None  # matched ids come from the connection list
    spec = connection.spec
    mismatch = _kind_mismatch(spec, live)
    if mismatch is not None:
        ctx.result.warnings.append(f"{address}: {mismatch}; it was left as it is")
        ctx.result.unchanged += 1
        return
    if isinstance(spec, CustomMcpConnectionSpec):
        changed = _update_custom(ctx, connection, spec, address, live, rotate)
    else:
        assert isinstance(spec, OAuthConnectionSpec)
        changed = _update_oauth(ctx, connection, spec, address, live)
    if not changed:
        ctx.result.unchanged += 1


def expected_type(flow: NativeOAuth | McpOAuth | ComposioOAuth) -> str:
    """The ``type`` a live connection made by this OAuth flow carries (its integration slug)."""
    if isinstance(flow, NativeOAuth):
        return flow.provider
    if isinstance(flow, McpOAuth):
        return flow.integration_type or "custom_mcp"
    return flow.app


def _is_oauth(live: LiveConnection) -> bool:
    return live.auth_method == "oauth" or live.provider not in (None, "user")


def _kind_mismatch(spec: Any, live: LiveConnection) -> str | None:
    """Why the live connection is not the kind of connection the manifest describes."""
    if isinstance(spec, CustomMcpConnectionSpec):
        oauth = live.provider not in (None, "user") or (
            live.auth_method == "oauth" and spec.auth_method != "oauth"
        )
        if live.type not in (None, "custom_mcp") or oauth:
            return (
                f"the live connection {live.id} is an OAuth connection "
                f"(type {quote(live.type or '?')}), but the manifest describes a custom MCP "
                "server; delete it in Duvo (or rename one of them) so that apply can create it"
            )
        return None
    assert isinstance(spec, OAuthConnectionSpec)
    flow = spec.oauth
    wanted = expected_type(flow)
    if live.type is not None and live.type != wanted:
        return (
            f"the live connection {live.id} is of type {quote(live.type)}, but the manifest "
            f"describes a {flow.flow} OAuth connection of type {quote(wanted)}; what an OAuth "
            "connection connects to cannot be changed through the API: delete it in Duvo and "
            f'run duvoform connect "{live.name}"'
        )
    if isinstance(flow, McpOAuth):
        if not _is_oauth(live):
            return (
                f"the live connection {live.id} is a custom MCP connection authenticated by "
                f"{quote(live.auth_method or '?')}, but the manifest describes an MCP OAuth "
                "connection"
            )
        if live.server_url and live.server_url != flow.server_url:
            return (
                f"the live connection {live.id} was authorized for {quote(live.server_url)}, "
                f"not {quote(flow.server_url)}; tokens cannot move to another server: delete "
                f'it in Duvo and run duvoform connect "{live.name}"'
            )
    return None


def _rename(
    ctx: Context, connection: Connection, live: LiveConnection, body: dict[str, Any]
) -> list[FieldChange]:
    if live.name == connection.name:
        return []
    body["name"] = connection.name
    return [FieldChange("name", live.name, connection.name)]


def _update_custom(
    ctx: Context,
    connection: Connection,
    spec: CustomMcpConnectionSpec,
    address: str,
    live: LiveConnection,
    rotate: bool,
) -> bool:
    body: dict[str, Any] = {}
    fields = _rename(ctx, connection, live, body)
    for name in ("server_url", "auth_method"):
        before, after = getattr(live, name), getattr(spec, name)
        if before != after:
            body[name] = after
            fields.append(FieldChange(name, before, after))
    if bool(live.shared) != spec.shared:
        body["shared"] = spec.shared
        fields.append(FieldChange("shared", bool(live.shared), spec.shared))
    headers = diff_headers(
        spec.headers,
        live,
        ctx.live.credentials.get(live.id),
        lambda secret_ref: secret_marker(ctx, connection, secret_ref),
        rotate=rotate,
    )
    if headers.changed:
        body["headers"] = headers.value
        fields += headers.fields
    if not body:
        return False
    _add_update(ctx, connection, address, live, body, fields, headers.notes)
    return True


def _update_oauth(
    ctx: Context,
    connection: Connection,
    spec: OAuthConnectionSpec,
    address: str,
    live: LiveConnection,
) -> bool:
    body: dict[str, Any] = {}
    fields = _rename(ctx, connection, live, body)
    if bool(live.shared) != spec.shared:
        body["shared"] = spec.shared
        fields.append(FieldChange("shared", bool(live.shared), spec.shared))
    if not body:
        return False
    _add_update(ctx, connection, address, live, body, fields, [])
    return True


def _add_update(
    ctx: Context,
    connection: Connection,
    address: str,
    live: LiveConnection,
    body: dict[str, Any],
    fields: list[FieldChange],
    notes: list[str],
) -> None:
    steps = StepList(address)
    steps.add(Op.CONNECTION_UPDATE, {"connection": ref(address), "body": body})
    ctx.add(
        Change(
            kind=Connection.KIND,
            name=connection.name,
            action=Action.UPDATE,
            fields=tuple(fields),
            notes=tuple(notes),
            live_id=live.id,
            steps=steps.tuple(),
        )
    )


def secret_marker(ctx: Context, connection: Connection, ref: SecretRef) -> dict[str, Any]:
    """The ``$secret`` marker for one secret header (file paths relative to the root)."""
    if ref.file is None or connection.source is None:
        return secret(ref.to_json())
    root = ctx.desired.manifests.project.root.absolute()
    target = Path(os.path.normpath(connection.source.absolute().parent / ref.file))
    return secret({"file": target.relative_to(root).as_posix()})


def _create(
    ctx: Context, connection: Connection, spec: CustomMcpConnectionSpec, address: str
) -> None:
    body: dict[str, Any] = {
        "name": connection.name,
        "provider": "user",
        "type": spec.type,
        "auth_method": spec.auth_method,
        "server_url": spec.server_url,
    }
    headers: dict[str, Any] = {}
    if spec.headers.plaintext:
        headers["plaintext"] = dict(spec.headers.plaintext)
    if spec.headers.secret:
        headers["secret"] = {
            name: secret_marker(ctx, connection, ref) for name, ref in spec.headers.secret.items()
        }
    if headers:
        body["headers"] = headers
    params: dict[str, Any] = {"body": body}
    if spec.shared:
        params["shared"] = True
    steps = StepList(address)
    steps.add(Op.CONNECTION_CREATE, params)
    fields = [
        FieldChange("type", None, spec.type),
        FieldChange("server_url", None, spec.server_url),
        FieldChange("auth_method", None, spec.auth_method),
        FieldChange("shared", None, spec.shared),
    ]
    if spec.headers.plaintext:
        fields.append(FieldChange("headers.plaintext", None, dict(spec.headers.plaintext)))
    if spec.headers.secret:
        refs = {name: ref.to_json() for name, ref in spec.headers.secret.items()}
        fields.append(FieldChange("headers.secret", None, refs))
    ctx.result.expected_absent.append({"kind": Connection.KIND, "name": connection.name})
    ctx.add(
        Change(
            kind=Connection.KIND,
            name=connection.name,
            action=Action.CREATE,
            fields=tuple(fields),
            steps=steps.tuple(),
        )
    )


def _authorize(
    ctx: Context, connection: Connection, spec: OAuthConnectionSpec, address: str
) -> None:
    oauth = spec.oauth.model_dump(mode="json", exclude_none=True)
    params: dict[str, Any] = {"name": connection.name, **oauth}
    if spec.shared:
        params["shared"] = True
    steps = StepList(address)
    steps.add(Op.CONNECTION_AUTHORIZE, params)
    fields = [FieldChange("oauth", None, oauth)]
    if spec.shared:
        fields.append(FieldChange("shared", None, True))
    ctx.result.expected_absent.append({"kind": Connection.KIND, "name": connection.name})
    ctx.add(
        Change(
            kind=Connection.KIND,
            name=connection.name,
            action=Action.AUTHORIZE,
            fields=tuple(fields),
            notes=(
                "needs a person in a browser: run `duvoform connect "
                f'"{connection.name}"` after apply',
            ),
            steps=steps.tuple(),
        )
    )
