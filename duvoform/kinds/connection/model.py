"""The ``Connection`` kind: a custom MCP server, or an OAuth connection a person authorizes.

Three shapes of ``spec``, chosen by the keys present:

- ``type: custom_mcp`` with ``server_url`` (an ``https://`` URL), ``auth_method``, ``shared``
  and ``headers`` (``plaintext`` values, and ``secret`` values written as references);
- ``oauth: {flow: native, provider}``, ``oauth: {flow: mcp, server_url[, integration_type]}`` or
  ``oauth: {flow: composio, auth_config_id, app}``; these need a browser (``duvoform connect``);
- ``ensure: absent`` alone, to delete a connection that is no longer described.

``auth_method`` defaults to ``headers`` when headers are given and to ``url`` otherwise (the
API requires a value on create and documents no default; ``url`` means the URL itself carries
whatever authentication the server needs).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    StrictBool,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from duvoform.kinds.base import Ensure, ManifestModel, Resource
from duvoform.kinds.registry import register
from duvoform.kinds.secret import SecretRef
from duvoform.text import quote

__all__ = [
    "AbsentConnectionSpec",
    "AuthMethod",
    "ComposioOAuth",
    "Connection",
    "ConnectionSpec",
    "CustomMcpConnectionSpec",
    "HeaderSet",
    "McpOAuth",
    "NativeOAuth",
    "OAuthConnectionSpec",
]

AuthMethod = Literal["url", "apikey", "headers", "oauth"]
HeaderName = Annotated[
    str, StringConstraints(min_length=1, pattern=r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]


def _check_https(value: str) -> str:
    # URL parsers disagree about a backslash and about user info: urllib reads the host of
    # "https://evil.example<backslash>@mcp.example.com/" as mcp.example.com, a WHATWG parser
    # (which the API may use) as evil.example. Such URLs are refused, so that the probe's host
    # allow-list checks the host the request really goes to.
    parts = urlsplit(value)
    if (
        parts.scheme != "https"
        or not parts.hostname
        or "\\" in value
        or "@" in parts.netloc
        or any(ch.isspace() or not ch.isprintable() for ch in value)
    ):
        raise PydanticCustomError(
            "https_url",
            "must be an https:// URL with a host name (no user name or password, backslash, "
            "space or control character)",
        )
    return value


HttpsUrl = Annotated[str, AfterValidator(_check_https)]

_CUSTOM_KEYS = frozenset({"type", "server_url", "auth_method", "headers"})


class HeaderSet(ManifestModel):
    """Headers sent to a custom MCP server: ``plaintext`` values, and ``secret`` references."""

    plaintext: dict[HeaderName, str] = Field(default_factory=dict)
    """Header values stored as plain text (and committed to git)."""
    secret: dict[HeaderName, SecretRef] = Field(default_factory=dict)
    """Secret header values, as references: {env: NAME} or {file: PATH}."""

    @model_validator(mode="after")
    def _distinct_names(self) -> HeaderSet:
        both = {name.lower() for name in self.plaintext} & {name.lower() for name in self.secret}
        if both:
            raise PydanticCustomError(
                "header_twice",
                "header {name} is both plaintext and secret; keep it in one of them",
                {"name": quote(sorted(both)[0])},
            )
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """Every header name, sorted (what the API lets us compare)."""
        return tuple(sorted([*self.plaintext, *self.secret]))


class CustomMcpConnectionSpec(ManifestModel):
    """A custom MCP server reached at ``server_url``, created and updated through the API."""

    type: Literal["custom_mcp"]
    server_url: HttpsUrl
    """The MCP server's https:// URL."""
    auth_method: AuthMethod = "url"
    """How the server authenticates; default: headers when headers are given, else url."""
    shared: StrictBool = False
    """Share the connection with the team (needs the manager role)."""
    headers: HeaderSet = Field(default_factory=HeaderSet)
    ensure: Ensure = "present"

    @model_validator(mode="before")
    @classmethod
    def _default_auth_method(cls, data: Any) -> Any:
        if isinstance(data, dict) and "auth_method" not in data and data.get("headers"):
            return {**data, "auth_method": "headers"}
        return data


class NativeOAuth(ManifestModel):
    """A Duvo-native OAuth integration (``provider`` is its slug, e.g. ``gmail``)."""

    flow: Literal["native"]
    provider: Slug


class McpOAuth(ManifestModel):
    """A remote MCP server authorized with OAuth (dynamic client registration)."""

    flow: Literal["mcp"]
    server_url: HttpsUrl
    integration_type: Slug | None = None


class ComposioOAuth(ManifestModel):
    """A Composio-backed connection: ``auth_config_id`` starts it, ``app`` finalizes it."""

    flow: Literal["composio"]
    auth_config_id: Annotated[str, StringConstraints(min_length=1)]
    app: Slug


OAuthFlow = Annotated[NativeOAuth | McpOAuth | ComposioOAuth, Field(discriminator="flow")]


class OAuthConnectionSpec(ManifestModel):
    """A connection that a person authorizes in a browser (``duvoform connect NAME``)."""

    oauth: OAuthFlow
    shared: StrictBool = False
    ensure: Ensure = "present"

    @model_validator(mode="before")
    @classmethod
    def _not_both(cls, data: Any) -> Any:
        if isinstance(data, dict) and _CUSTOM_KEYS & data.keys():
            raise PydanticCustomError(
                "connection_both",
                "a Connection is either 'type: custom_mcp' or 'oauth', not both; "
                "an OAuth connection has no type, server_url, auth_method or headers of its own",
            )
        return data


class AbsentConnectionSpec(ManifestModel):
    """``spec: {ensure: absent}``: delete the live connection of this name."""

    ensure: Literal["absent"]


def _spec_shape(value: Any) -> str | None:
    # Tags are bracketed so that they can never be mistaken for field names in error paths.
    if isinstance(value, CustomMcpConnectionSpec | OAuthConnectionSpec | AbsentConnectionSpec):
        return {
            CustomMcpConnectionSpec: "<custom_mcp>",
            OAuthConnectionSpec: "<oauth>",
            AbsentConnectionSpec: "<absent>",
        }[type(value)]
    if not isinstance(value, dict):
        return None
    if "oauth" in value:
        return "<oauth>"
    if _CUSTOM_KEYS & value.keys():
        return "<custom_mcp>"
    if value.get("ensure") == "absent" and len(value) == 1:
        return "<absent>"
    return None


ConnectionSpec = Annotated[
    Annotated[CustomMcpConnectionSpec, Tag("<custom_mcp>")]
    | Annotated[OAuthConnectionSpec, Tag("<oauth>")]
    | Annotated[AbsentConnectionSpec, Tag("<absent>")],
    Discriminator(
        _spec_shape,
        custom_error_type="connection_shape",
        custom_error_message=(
            "a Connection needs either 'type: custom_mcp' with a 'server_url', "
            "or 'oauth: {flow: native|mcp|composio, ...}'"
        ),
    ),
]


@register
class Connection(Resource):
    """A connection to an external system that assignments' builds can use."""

    KIND: ClassVar[str] = "Connection"

    kind: Literal["Connection"]
    spec: ConnectionSpec

    @property
    def ensure(self) -> Ensure:
        return self.spec.ensure

    @property
    def is_oauth(self) -> bool:
        """True for connections that need a person to authorize them in a browser."""
        return isinstance(self.spec, OAuthConnectionSpec)

    def secret_refs(self) -> dict[str, SecretRef]:
        """Secret header references by header name (empty for OAuth or absent connections)."""
        if isinstance(self.spec, CustomMcpConnectionSpec):
            return dict(self.spec.headers.secret)
        return {}
