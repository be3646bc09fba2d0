"""Where the client connects and with which key: settings, key loading, URL checks.

The key comes from ``DUVO_API_KEY`` or a key file and is held as a ``SecretStr`` so that it
never shows up in a repr, a log line or an error message. Remote URLs must use https (TLS
verification is always on); plain http is accepted only for loopback hosts, where local test
servers and the emulator run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from duvoform.api.retry import BACKOFF_BASE, BACKOFF_CAP, MAX_ATTEMPTS, RetryPolicy
from duvoform.errors import UsageError
from duvoform.sanitise import printable
from duvoform.text import shorten

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_CONCURRENCY",
    "LOOPBACK_HOSTS",
    "ClientSettings",
    "load_api_key",
    "normalise_base_url",
    "shown_url",
]

API_KEY_ENV = "DUVO_API_KEY"
DEFAULT_CONCURRENCY = 8
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class ClientSettings:
    """Everything that shapes how a ``DuvoClient`` talks to the API (except the key)."""

    base_url: str
    concurrency: int = DEFAULT_CONCURRENCY
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_attempts: int = MAX_ATTEMPTS
    backoff_base: float = BACKOFF_BASE
    backoff_cap: float = BACKOFF_CAP
    page_size: int = 100

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise UsageError(f"concurrency must be at least 1, not {self.concurrency}")
        if self.max_attempts < 1:
            raise UsageError(f"max_attempts must be at least 1, not {self.max_attempts}")
        if not 1 <= self.page_size <= 100:
            raise UsageError(f"page_size must be between 1 and 100, not {self.page_size}")

    def retry_policy(self) -> RetryPolicy:
        """The retry policy these settings describe (``duvoform.api.retry``'s defaults)."""
        return RetryPolicy(
            max_attempts=self.max_attempts, base=self.backoff_base, cap=self.backoff_cap
        )


def normalise_base_url(url: str) -> str:
    """Check an API base URL and return it without a trailing ``/`` or ``/v1``.

    Raises ``UsageError`` for anything but https, or http to a loopback host; for a URL that
    does not parse (a bad port, an unclosed ``[``), holds spaces or control characters, or
    carries a user name or password (the key belongs in ``DUVO_API_KEY``; messages never
    show what stood before the ``@``).
    """
    raw = url.strip()
    shown = f'"{shown_url(raw)}"'
    if any(ch.isspace() or not ch.isprintable() for ch in raw):
        raise UsageError(f"the API URL {shown} contains spaces or control characters")
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - a port out of range or not a number raises here
    except ValueError as exc:
        raise UsageError(f"the API URL {shown} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not host:
        raise UsageError(
            f"the API URL {shown} is not an http(s) URL; use https://api.duvo.ai, "
            "an https URL of your own, or 'local' for the embedded emulator"
        )
    if "@" in parts.netloc:
        raise UsageError(
            f"the API URL {shown} holds a user name or password; give the URL without them "
            f"and the key in {API_KEY_ENV} (or --api-key-file)"
        )
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        raise UsageError(
            f"refusing to send the API key over plain http to {shorten(host)}; use https "
            "(plain http is allowed only for localhost, 127.0.0.1 and ::1)"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"the API URL {shown} must not have a query string or fragment")
    path = parts.path.rstrip("/")
    # The user guide gives the base as https://api.duvo.ai/v1; every path we send starts
    # with /v1 already.
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    netloc = parts.netloc
    return f"{scheme}://{netloc}{path}"


_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def shown_url(url: str) -> str:
    """``url`` as a message may show it: anything before an ``@`` in its authority (a user
    name or password) masked, shortened, control characters escaped."""
    text = shorten(_USERINFO.sub(r"\1***@", url.strip()))
    return printable(text, strict=True)


def load_api_key(
    key_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> SecretStr:
    """Read the API key from ``key_file`` when given, else from ``DUVO_API_KEY``.

    Surrounding whitespace (a trailing newline in a file) is stripped. A missing or empty
    key, or one that cannot be sent in an HTTP header, is a ``UsageError`` that names
    ``DUVO_API_KEY`` and never echoes the key.
    """
    env = os.environ if environ is None else environ
    if key_file is not None:
        try:
            key = key_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise UsageError(f"the API key file {key_file} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
            raise UsageError(f"cannot read the API key file {key_file}: {reason}") from None
        source = f"the API key file {key_file}"
        if not key:
            raise UsageError(f"{source} is empty (it should hold what {API_KEY_ENV} would)")
    else:
        key = env.get(API_KEY_ENV, "").strip()
        source = API_KEY_ENV
        if not key:
            raise UsageError(
                f"no Duvo API key: set {API_KEY_ENV} (or pass --api-key-file), "
                "or use --api-url local for the embedded emulator"
            )
    if not key.isascii() or not key.isprintable() or any(ch.isspace() for ch in key):
        raise UsageError(
            f"the API key in {source} contains spaces or characters that cannot be sent "
            f"in an HTTP header; check {API_KEY_ENV}"
        )
    return SecretStr(key)
