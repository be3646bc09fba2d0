"""Connections: identity, creates of custom MCP connections, and OAuth authorizations.

What this release plans for a Connection manifest:

- not live, ``type: custom_mcp``: **create** (``connection.create``; ``POST /v1/connections``)
  with its plaintext headers and its secret headers as ``$secret`` markers, never values;
  ``shared: true`` is PATCHed right after (the create body cannot set it).
- not live, ``oauth: {...}``: **authorize** (``connection.authorize``): a person must finish
  the flow in a browser (``duvoform connect NAME``), so apply reports it as pending.
- not live, ``ensure: absent``: nothing to do (expected absent).
- live: matched by name (or pinned id, or a previous name), so that builds referring to it
  resolve, and fingerprinted; its settings are not compared yet (``_existing`` is where the
  update and delete of live connections plug in), and ``ensure: absent`` on a live connection
  is reported as a warning rather than silently ignored.

A secret ``{file: PATH}`` is written into the marker relative to the manifest root (the
manifest names it relative to itself), so the executor resolves it with
``resolve_secret(ref, source=None, root=<manifest root>)``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from duvoform.diff.context import PATCH_CONNECTION, POST_CONNECTIONS, Context, StepList
from duvoform.model import Connection, CustomMcpConnectionSpec, OAuthConnectionSpec, SecretRef
from duvoform.plan import Action, ApiCall, Change, FieldChange
from duvoform.steps import Op, secret

__all__ = ["diff_connections", "secret_marker"]


def diff_connections(ctx: Context) -> None:
    """Creates and authorizations for connections that are not live."""
    for connection in ctx.desired.of_kind(Connection.KIND):
        assert isinstance(connection, Connection)
        address = ctx.address(connection)
        live_id = ctx.live_id(address)
        ctx.read(Connection.KIND, live_id)
        if live_id is not None:
            _existing(ctx, connection, address, live_id)
        elif connection.ensure == "absent":
            ctx.result.expected_absent.append({"kind": Connection.KIND, "name": connection.name})
            ctx.result.unchanged += 1
        elif isinstance(connection.spec, CustomMcpConnectionSpec):
            _create(ctx, connection, connection.spec, address)
        elif isinstance(connection.spec, OAuthConnectionSpec):
            _authorize(ctx, connection, connection.spec, address)


def _existing(ctx: Context, connection: Connection, address: str, live_id: str) -> None:
    """A live connection: compared and changed in a later release; counted as unchanged."""
    if connection.ensure == "absent":
        ctx.result.warnings.append(
            f"{address}: marked 'ensure: absent', but this version of duvoform does not delete "
            f"connections yet; the live connection {live_id} was left as it is"
        )
    ctx.result.unchanged += 1


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
    requests: list[ApiCall] = [POST_CONNECTIONS]
    if spec.shared:
        params["shared"] = True
        requests.append(PATCH_CONNECTION)
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
            requests=tuple(requests),
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
