"""What maintainers allow in ``duvoform.yaml``: which secrets manifests may read, and where a
probe may send them.

::

    secrets:
      env_allow: ["SNOWFLAKE_*", "ERP_TOKEN"]   # {env: NAME} must match one (default: any
                                               # name that is not reserved)
    probe:
      allowed_hosts: [mcp.example.com, "*.acme.internal"]   # plan --probe sends secret
                                               # header values only to these hosts

``duvoform.yaml`` on the default branch is trusted; a pull request's manifests are not. Reserved
names (``duvoform.kinds.reserved``) stay refused whatever ``env_allow`` says.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from duvoform.kinds.base import ManifestModel

__all__ = ["ProbePolicy", "SecretsPolicy", "host_allowed"]

EnvPattern = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_*?\[\]!-]+$")]
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
HostPattern = Annotated[str, StringConstraints(pattern=rf"^(\*\.)?{_LABEL}(\.{_LABEL})*$")]


class SecretsPolicy(ManifestModel):
    """``secrets``: ``env_allow`` narrows the environment variables ``{env: NAME}`` may name
    (glob patterns; unset: any name that is not reserved)."""

    env_allow: tuple[EnvPattern, ...] | None = None


class ProbePolicy(ManifestModel):
    """``probe``: ``allowed_hosts`` are the hosts (``mcp.example.com``, or ``*.example.com``
    for its subdomains) that ``plan --probe`` sends secret header values to; every other
    server is probed without them."""

    allowed_hosts: tuple[HostPattern, ...] = Field(default=())


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``allowed``: equal (case-insensitive), or a subdomain of a
    ``*.`` pattern's domain (``*.example.com`` matches ``a.example.com``, not
    ``example.com`` nor ``a.example.com.evil``)."""
    host = host.lower().rstrip(".")
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False
