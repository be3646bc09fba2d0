"""Header drift of a custom MCP connection, and the PATCH ``headers`` value that fixes it.

Secret header values are write-only: ``GET /v1/connections/{id}/credentials`` answers every
secret value as ``""``. So duvoform compares header *names*, and plaintext values where the API
returns them:

- a live header whose value is ``""`` is taken as secret; any other is plaintext with that
  value (the API returns plaintext values as stored, REFERENCE open question 13: a guess the
  emulator follows). A desired plaintext header whose value is ``""`` matches a live ``""``;
- the credentials are read only for connections whose manifests declare headers
  (``credential_reads``); a manifest without headers compares with the list's ``has_headers``
  (true: every header is removed with ``headers: null``);
- names are compared exactly (case counts): ``Authorization`` and ``authorization`` differ.

When anything differs the PATCH sends **both** sections, so the result does not depend on
whether the API replaces ``headers`` whole or section by section: ``plaintext`` in full, and
``secret`` with ``""`` for every header whose stored value is kept (the API keeps a secret sent
as ``""``) and a ``$secret`` marker for every value that must be sent: a new secret header, a
header that was plaintext, or any secret header when its secrets are rotated
(``apply --rotate-secrets``). A changed secret *value* cannot be seen; rotating sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from duvoform.api.models import Connection as LiveConnection
from duvoform.api.models import ConnectionCredentials
from duvoform.engine.plan import FieldChange
from duvoform.kinds import HeaderSet, SecretRef
from duvoform.redact import ROTATED

__all__ = ["HeaderDiff", "diff_headers", "live_headers"]

Marker = Callable[[SecretRef], dict[str, Any]]


@dataclass(frozen=True)
class LiveHeaders:
    """What can be read of a live connection's headers: plaintext values and secret names."""

    plaintext: dict[str, str]
    secret: frozenset[str]

    @property
    def names(self) -> frozenset[str]:
        """Every header name."""
        return frozenset(self.plaintext) | self.secret


@dataclass
class HeaderDiff:
    """The ``headers`` value to PATCH (``changed`` False: leave them), and what it shows."""

    changed: bool = False
    value: dict[str, Any] | None = None
    fields: list[FieldChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sends_secrets: bool = False


def live_headers(credentials: ConnectionCredentials) -> LiveHeaders:
    """Split the credentials answer into plaintext values and secret names."""
    plaintext = {name: value for name, value in credentials.headers.items() if value != ""}
    secret = frozenset(name for name, value in credentials.headers.items() if value == "")
    return LiveHeaders(plaintext, secret)


def diff_headers(
    desired: HeaderSet,
    live: LiveConnection,
    credentials: ConnectionCredentials | None,
    marker: Marker,
    *,
    rotate: bool = False,
) -> HeaderDiff:
    """Compare the desired headers with the live ones (see the module docstring).

    ``credentials`` is None when they were not read: a manifest with headers then compares
    only when the list says the connection has none (``has_headers: false``), and a manifest
    without headers uses ``has_headers``. ``marker`` makes the ``$secret`` marker of a
    reference. ``rotate`` sends every secret value again.
    """
    out = HeaderDiff()
    wants_headers = bool(desired.plaintext or desired.secret)
    if not wants_headers:
        known = live_headers(credentials) if credentials is not None else None
        has = bool(known.names) if known is not None else bool(live.has_headers)
        if has:
            out.changed = True
            out.value = None
            before: Any = sorted(known.names) if known is not None else "(set)"
            out.fields.append(FieldChange("headers", before, None))
        return out
    if credentials is None and live.has_headers is not False:
        current = None  # not read: nothing to compare
    elif credentials is None:
        current = LiveHeaders({}, frozenset())
    else:
        current = live_headers(credentials)
    if current is None:
        if rotate and desired.secret:
            return _rotation_only(desired, marker)
        return out
    return _compare(desired, current, marker, rotate)


def _compare(desired: HeaderSet, current: LiveHeaders, marker: Marker, rotate: bool) -> HeaderDiff:
    out = HeaderDiff()
    blank_plain = {name for name, value in desired.plaintext.items() if value == ""}
    live_secret = current.secret - blank_plain
    plain_ok = all(
        (name in current.names if value == "" else current.plaintext.get(name) == value)
        for name, value in desired.plaintext.items()
    ) and set(current.plaintext) <= set(desired.plaintext)
    secret_ok = live_secret == set(desired.secret)
    rotating = rotate and bool(desired.secret)
    if plain_ok and secret_ok and not rotating:
        return out
    out.changed = True
    secret: dict[str, Any] = {}
    for name, ref in desired.secret.items():
        if rotating or name not in live_secret:
            secret[name] = marker(ref)
            out.sends_secrets = True
        else:
            secret[name] = ""  # the API keeps the stored value
    out.value = {"plaintext": dict(desired.plaintext), "secret": secret}
    if not plain_ok:
        out.fields.append(
            FieldChange("headers.plaintext", dict(current.plaintext), dict(desired.plaintext))
        )
    if not secret_ok or rotating:
        refs = {name: ref.to_json() for name, ref in sorted(desired.secret.items())}
        # A kept secret shows as unchanged (its stored value stays); a new one whose value is
        # sent shows as null -> reference (the stored value cannot be read); a rotated one
        # says so, so that it does not read as a new header.
        before = {
            name: (ROTATED if rotating else refs[name]) if name in refs else None
            for name in sorted(live_secret)
        }
        out.fields.append(FieldChange("headers.secret", before, refs))
    if rotating:
        names = ", ".join(sorted(desired.secret))
        out.notes.append(f"secret header values are sent again (--rotate-secrets): {names}")
    return out


def _rotation_only(desired: HeaderSet, marker: Marker) -> HeaderDiff:
    """Rotation when the live headers were not read: only the secret section is sent."""
    secret = {name: marker(ref) for name, ref in desired.secret.items()}
    refs = {name: ref.to_json() for name, ref in sorted(desired.secret.items())}
    return HeaderDiff(
        changed=True,
        value={"plaintext": dict(desired.plaintext), "secret": secret},
        fields=[FieldChange("headers.secret", dict.fromkeys(refs, ROTATED), refs)],
        notes=[
            "secret header values are sent again (--rotate-secrets): "
            + ", ".join(sorted(desired.secret))
        ],
        sends_secrets=True,
    )
