"""Redaction for debug output: the API key and secret header values never reach a log.

Request headers keep their names and the auth scheme (``Authorization: Bearer ***``). Bodies
keep their shape, with every value that may be a secret replaced by ``***``: the ``secret``
half of a connection's headers, a probe's header values, Composio ``auth_fields``, and any
key that looks like a credential.

An API may quote a request back in its error (``invalid header 'Authorization: Bearer ...'``).
``scrub_error`` replaces the secret values a request sent wherever they appear in the error it
got back (its message, the API's ``error``/``message`` and body), before anything shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from duvoform.errors import ApiError, DuvoformError, TransportError

__all__ = ["REDACTED", "redact_body", "redact_headers", "scrub_error", "scrub_text"]

E = TypeVar("E", bound=DuvoformError)

REDACTED = "***"

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
_SENSITIVE_KEYS = frozenset(
    {"authorization", "password", "token", "access_token", "refresh_token", "api_key", "apikey"}
)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` safe to log; ``Authorization`` keeps only its scheme."""
    safe: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in _SENSITIVE_HEADERS:
            scheme, _, rest = value.partition(" ")
            safe[name] = f"{scheme} {REDACTED}" if rest else REDACTED
        else:
            safe[name] = value
    return safe


def redact_body(value: Any) -> Any:
    """A copy of a JSON body safe to log (shape kept, secret values replaced)."""
    if isinstance(value, Mapping):
        return {key: _redact_field(str(key), item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_body(item) for item in value]
    return value


def _redact_field(key: str, value: Any) -> Any:
    lowered = key.lower()
    if lowered == "headers" and isinstance(value, Mapping):
        if "secret" in value or "plaintext" in value:
            # A connection's HeaderSet: plaintext values are not secret, the rest may be.
            return {
                part: (redact_body(values) if part == "plaintext" else _blank_values(values))
                for part, values in value.items()
            }
        return _blank_values(value)  # a probe's {name: value}: any of them may be a token
    if lowered in ("auth_fields", "secret"):
        return _blank_values(value)
    if lowered in _SENSITIVE_KEYS and value is not None:
        return REDACTED
    return redact_body(value)


def _blank_values(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: REDACTED for key in value}
    return value if value is None else REDACTED


def scrub_text(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret value replaced by ``***``."""
    for value in sorted({v for v in secrets if v}, key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return text


def _scrub_value(value: Any, secrets: Iterable[str]) -> Any:
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, Mapping):
        return {key: _scrub_value(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_value(item, secrets) for item in value]
    return value


def scrub_error(error: E, secrets: Iterable[str]) -> E:
    """``error`` (changed in place) with the given secret values replaced by ``***`` in its
    message and, for API and transport errors, in what the API or the network said."""
    values = [value for value in secrets if value]
    if not values:
        return error
    error.message = scrub_text(error.message, values)
    error.args = tuple(_scrub_value(arg, values) for arg in error.args)
    if isinstance(error, ApiError):
        error.error = None if error.error is None else scrub_text(error.error, values)
        if error.api_message is not None:
            error.api_message = scrub_text(error.api_message, values)
        error.body = _scrub_value(error.body, values)
    if isinstance(error, TransportError):
        error.reason = scrub_text(error.reason, values)
    return error
