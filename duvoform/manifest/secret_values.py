"""Reading secret values at apply time, from the references manifests hold.

``resolve_secret`` is the only place a secret value is read. ``validate`` and ``plan`` never
call it; ``apply`` calls it just before sending a secret header. Failures name the variable or
the file, never a value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from duvoform.errors import SecretError
from duvoform.kinds.secret import SecretRef
from duvoform.manifest.files import FileFault, read_utf8, resolve_inside
from duvoform.redact import remember
from duvoform.text import quote

__all__ = ["resolve_secret"]


def resolve_secret(
    ref: SecretRef,
    *,
    source: Path | None,
    root: Path,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The value ``ref`` points at: an environment variable, or a file's text.

    ``source`` is the manifest file that holds the reference (file references are relative to
    it; None means relative to ``root``) and ``root`` the manifest root, which a file may not
    leave. A file's text loses one trailing newline. Raises ``SecretError`` when the variable
    is unset or empty, or the file is missing, outside the root, unreadable or empty, or the
    value is not valid UTF-8 or holds a line break or NUL (it could not be sent).
    """
    if ref.env is not None:
        value = (os.environ if environ is None else environ).get(ref.env)
        if value is None:
            raise SecretError(f"environment variable {ref.env} is not set (needed for a secret)")
        if not value:
            raise SecretError(f"environment variable {ref.env} is set but empty")
        return _sendable(value, f"environment variable {ref.env}")
    if ref.file is None:
        raise SecretError("a secret reference names neither an environment variable nor a file")
    root = root.absolute()
    base = source.absolute().parent if source is not None else root
    try:
        path = resolve_inside(root, base, ref.file)
        text = read_utf8(path, ref.file)
    except FileFault as fault:
        raise SecretError(f"secret file: {fault.reason}") from None
    value = text.removesuffix("\n").removesuffix("\r")
    if not value:
        raise SecretError(f"secret file {quote(ref.file)} is empty")
    return _sendable(value, f"secret file {quote(ref.file)}")


def _sendable(value: str, what: str) -> str:
    """``value`` when it can be sent as a header value; else a ``SecretError`` naming ``what``.

    The environment decodes bytes that are not UTF-8 into lone surrogates, which no request
    can carry; a header value cannot hold a line break or NUL either.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SecretError(f"{what} is not valid UTF-8") from None
    remember(value)  # from now on, every message, log line and journal record is scrubbed of it
    if any(char in value for char in "\r\n\0"):
        raise SecretError(f"{what} holds a line break or NUL, which a header value cannot")
    return value
