"""Keep secret header values out of every rendering.

A plan never holds a secret value: under ``headers.secret`` it holds references such as
``{"env": "SNOWFLAKE_TOKEN"}`` or ``{"file": "secrets/token"}``. Renderers still pass every value
through ``redact`` first, so that a value that slipped in by mistake (a literal, or the ``""`` the
API returns for a write-only header) is shown as ``SENSITIVE`` and never as itself.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from duvoform.kinds.connection.headers import ROTATED

__all__ = ["SENSITIVE", "is_reference", "is_secret_path", "redact"]

SENSITIVE = "(sensitive value)"

# A value is secret when its key path contains these keys one after the other.
_SECRET_KEYS: tuple[str, str] = ("headers", "secret")
_REFERENCE_KEYS = frozenset({"env", "file"})


def is_reference(value: Any) -> bool:
    """True for the reference form of a secret: ``{"env": NAME}`` or ``{"file": PATH}``."""
    return (
        isinstance(value, Mapping)
        and len(value) == 1
        and next(iter(value)) in _REFERENCE_KEYS
        and isinstance(next(iter(value.values())), str)
    )


def is_secret_path(path: str | Sequence[str]) -> bool:
    """True when a dotted field path (or a sequence of keys) lies under ``headers.secret``."""
    keys = path.split(".") if isinstance(path, str) else list(path)
    first, second = _SECRET_KEYS
    return any(a == first and b == second for a, b in itertools.pairwise(keys))


def redact(value: Any, path: str | Sequence[str] = ()) -> Any:
    """Return ``value`` with every secret leaf replaced by ``SENSITIVE``.

    ``path`` is where ``value`` sits (``"headers"``, ``"spec.headers.secret.Authorization"``);
    keys inside ``value`` extend it. Under ``headers.secret`` references and ``None`` are kept,
    (and the ``ROTATED`` placeholder, which stands for no value), any other leaf becomes
    ``SENSITIVE``. Values elsewhere are returned unchanged (the same
    objects, so redacting a plan without secrets costs no copies).
    """
    keys = tuple(path.split(".")) if isinstance(path, str) else tuple(path)
    return _redact(value, keys, is_secret_path(keys))


def _redact(value: Any, keys: tuple[str, ...], secret: bool) -> Any:
    if secret and (value is None or value == ROTATED or is_reference(value)):
        return value
    if isinstance(value, Mapping):
        changed = False
        out: dict[Any, Any] = {}
        for key, item in value.items():
            sub_keys = (*keys, str(key))
            new = _redact(item, sub_keys, secret or is_secret_path(sub_keys[-2:]))
            changed = changed or new is not item
            out[key] = new
        return out if changed else value
    if isinstance(value, list | tuple):
        items = [_redact(item, keys, secret) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return items
        return value
    return SENSITIVE if secret else value
