"""Pre-flight checks of connections (``plan --probe``): does each server answer, and accept us?

- a custom MCP connection is probed (``POST /v1/connections/mcp/probe``) at its ``server_url``
  with its headers: plaintext values as written, secret values read from their references
  for the probe request only (the client redacts them from debug logs), and only when the
  server's host is in ``duvoform.yaml``'s ``probe.allowed_hosts``: a pull request chooses
  ``server_url``, and the probe would hand the secret to whatever server it names. Any other
  server is probed without its secret headers, and a note in the plan says so. A probe that fails
  (``success: false``: unreachable, or the credentials were rejected) is a finding. A secret
  that cannot be read is a finding too, and that connection is not probed: without the header
  the server would refuse us for the wrong reason;
- an MCP OAuth connection's server is checked for dynamic client registration
  (``POST /v1/connections/oauth/mcp/check``): without it ``duvoform connect`` cannot authorize
  it;
- native and Composio OAuth connections have nothing to check before a person authorizes them.

The checks write nothing and run concurrently, one request per connection. Connections
marked ``ensure: absent`` are skipped. A finding's message never holds a secret value: any
value read for a probe is replaced by ``***`` in the text the API answers, an error it
refuses the probe with included (such a refusal is a finding too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from duvoform.api.client import DuvoClient
from duvoform.api.tasks import gather
from duvoform.engine.graph import DesiredState
from duvoform.errors import (
    ApiError,
    AuthError,
    RateLimitError,
    SecretError,
    ServerError,
    TransportError,
)
from duvoform.kinds import Connection, CustomMcpConnectionSpec, McpOAuth, OAuthConnectionSpec
from duvoform.manifest.secret_values import resolve_secret
from duvoform.manifest.trust import host_allowed
from duvoform.redact import scrub, scrub_error

__all__ = ["Finding", "preflight"]


@dataclass(frozen=True)
class Finding:
    """One problem a pre-flight check found with one connection (``note``: not a problem, a
    fact the plan should state, such as a probe sent without secrets)."""

    address: str
    message: str
    note: bool = False

    def render(self) -> str:
        """``<address>: <message>``, as plan warnings read."""
        return f"{self.address}: {self.message}"


async def _probe(
    client: DuvoClient,
    address: str,
    spec: CustomMcpConnectionSpec,
    source: Path | None,
    root: Path,
    environ: Mapping[str, str] | None,
    allowed_hosts: tuple[str, ...],
) -> list[Finding]:
    host = urlsplit(spec.server_url).hostname or ""
    if spec.headers.secret and not host_allowed(host, allowed_hosts):
        withheld = ", ".join(sorted(spec.headers.secret))
        note = Finding(
            address,
            f"probed without its secret headers ({withheld}): {host or spec.server_url} is "
            "not in duvoform.yaml's probe.allowed_hosts",
            note=True,
        )
        found = await _send(client, address, spec, dict(spec.headers.plaintext), [])
        return [note, *([found] if found else [])]
    found = await _probe_with_secrets(client, address, spec, source, root, environ)
    return [found] if found else []


async def _probe_with_secrets(
    client: DuvoClient,
    address: str,
    spec: CustomMcpConnectionSpec,
    source: Path | None,
    root: Path,
    environ: Mapping[str, str] | None,
) -> Finding | None:
    headers: dict[str, str | SecretStr] = dict(spec.headers.plaintext)
    secrets: list[str] = []
    unreadable: list[str] = []
    for name, ref in spec.headers.secret.items():
        try:
            value = resolve_secret(ref, source=source, root=root, environ=environ)
        except SecretError as exc:
            unreadable.append(f"{name} ({exc.message})")
            continue
        secrets.append(value)
        headers[name] = SecretStr(value)
    if unreadable:
        return Finding(
            address,
            "not probed: cannot read the secret header " + "; ".join(unreadable),
        )
    return await _send(client, address, spec, headers, secrets)


async def _send(
    client: DuvoClient,
    address: str,
    spec: CustomMcpConnectionSpec,
    headers: dict[str, str | SecretStr],
    secrets: list[str],
) -> Finding | None:
    try:
        result = await client.probe_mcp(spec.server_url, headers or None)
    except (AuthError, RateLimitError, ServerError, TransportError) as exc:
        raise scrub_error(exc, secrets) from None  # the API itself is not usable
    except ApiError as exc:  # refused this probe (the API may quote its headers back)
        why = scrub_error(exc, secrets).message
        return Finding(address, f"the MCP probe of {spec.server_url} was refused: {why}")
    if result.success:
        return None
    reason = scrub(result.error or "no reason given", secrets)
    return Finding(address, f"the MCP probe of {spec.server_url} failed: {reason}")


async def _check(client: DuvoClient, address: str, flow: McpOAuth) -> list[Finding]:
    result = await client.check_mcp_oauth(flow.server_url)
    if result.supports_dcr:
        return []
    return [
        Finding(
            address,
            f"{flow.server_url} does not support OAuth dynamic client registration, so "
            "duvoform connect cannot authorize it",
        )
    ]


async def preflight(
    client: DuvoClient,
    desired: DesiredState,
    *,
    addresses: Iterable[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Probe every declared custom MCP connection and check every MCP OAuth server.

    ``addresses`` limits the checks to those connections (a targeted plan). Findings come
    back in the manifests' order.
    """
    wanted = None if addresses is None else set(addresses)
    root = desired.manifests.project.root
    allowed = desired.manifests.project.probe.allowed_hosts
    checks = []
    for connection in desired.of_kind(Connection.KIND):
        assert isinstance(connection, Connection)
        address = desired.address(connection)
        if connection.ensure != "present" or (wanted is not None and address not in wanted):
            continue
        spec = connection.spec
        if isinstance(spec, CustomMcpConnectionSpec):
            checks.append(_probe(client, address, spec, connection.source, root, environ, allowed))
        elif isinstance(spec, OAuthConnectionSpec) and isinstance(spec.oauth, McpOAuth):
            checks.append(_check(client, address, spec.oauth))
    return [finding for found in await gather(checks) for finding in found]
