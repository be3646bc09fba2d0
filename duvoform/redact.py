"""The one place secrets are kept out of output: redaction by shape, and scrubbing by value.

*Redaction* works on data whose shape says what is secret: request headers keep their names
and the auth scheme (``Authorization: Bearer ***``); request bodies keep their shape with every
value that may be a secret blanked (a connection's ``headers.secret``, a probe's header values,
Composio ``auth_fields``, keys that look like credentials); plan values under
``headers.secret`` show only references (``{"env": NAME}``).

*Scrubbing* works on free text (an API's error message, a log line, a journal record) and on
values: every secret duvoform has read in this run (``remember``: the API key, each secret
header value) is removed from the text in each form it may come back in:

- exact, JSON-escaped, URL-encoded, and base64 (at each alignment, so a secret inside a longer
  base64 blob such as a basic-auth header is found too, with the blob's padding when it ends
  the blob);
- line-folded: with line breaks or spaces inserted anywhere;
- cut: any fragment of ``FRAGMENT`` (8) or more characters of one of those forms, as a
  message cut short by the API or by us leaves it.

A form shorter than ``FRAGMENT`` (a short secret, or its base64 on its own) is too common to
be searched that way: ``1`` is in every number. It is found only whole and as a word: where
it begins or ends with a letter, digit or underscore, no such character may touch it there
(``1`` goes in ``id=1`` and ``2.1``, not in ``10``, ``x1`` or ``abc_1``). So a short secret
that stands alone never shows whole, while one run into a longer word, folded, cut, or
encoded inside a longer base64 blob is left (no shorter base64 piece is searched either).

``scrub`` runs before any shortening (``duvoform.text.shorten``, the API error cap), so a cut
never lands inside a secret it could have recognised whole. Everything is replaced by one
marker, ``REDACTED``.
"""

from __future__ import annotations

import base64
import bisect
import functools
import heapq
import itertools
import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from duvoform.errors import ApiError, DuvoformError, TransportError

ROTATED = "(stored value, rotated)"
"""What a plan shows for a secret header's stored value that ``--rotate-secrets`` replaces."""

__all__ = [
    "FRAGMENT",
    "REDACTED",
    "forget_all",
    "is_reference",
    "is_secret_path",
    "redact",
    "redact_body",
    "redact_headers",
    "remember",
    "scrub",
    "scrub_error",
    "scrub_prefix",
    "scrub_value",
]

E = TypeVar("E", bound=DuvoformError)

REDACTED = "***"
"""The one marker that stands for a removed secret, in every output."""

FRAGMENT = 8
"""The shortest piece of a secret that is removed on its own (where a cut left it)."""

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
_SENSITIVE_KEYS = frozenset(
    {"authorization", "password", "token", "access_token", "refresh_token", "api_key", "apikey"}
)
_SECRET_KEYS: tuple[str, str] = ("headers", "secret")
_REFERENCE_KEYS = frozenset({"env", "file"})
_SPACE = re.compile(r"\s")
_WORD = re.compile(r"\w")


# Redaction by shape -------------------------------------------------------------------------


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` safe to log; ``Authorization`` keeps only its scheme."""
    safe: dict[str, str] = {}
    for name, value in headers.items():
        if name.lower() in _SENSITIVE_HEADERS:
            scheme, _, rest = value.partition(" ")
            safe[name] = f"{scheme} {REDACTED}" if rest else REDACTED
        else:
            safe[name] = scrub(value)
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
    """Return a plan value with every secret leaf replaced by ``REDACTED``.

    ``path`` is where ``value`` sits (``"headers"``, ``"spec.headers.secret.Authorization"``);
    keys inside ``value`` extend it. Under ``headers.secret`` references and ``None`` are kept,
    any other leaf (a literal that slipped in, the ``""`` the API returns for a write-only
    header) becomes ``REDACTED``. Values elsewhere are returned unchanged (the same objects, so
    redacting a plan without secrets costs no copies).
    """
    keys = tuple(path.split(".")) if isinstance(path, str) else tuple(path)
    return _redact(value, keys, is_secret_path(keys))


def _redact(value: Any, keys: tuple[str, ...], secret: bool) -> Any:
    if secret and (value is None or value == ROTATED or is_reference(value)):
        return value  # ROTATED stands for a stored value that is not shown, not for a value
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
    return REDACTED if secret else value


# Scrubbing by value -------------------------------------------------------------------------


class _Known:
    """The secrets read in this run, with every form of each, ready to search.

    Adding a value adds only its own forms and pieces; what is built from all of them (the
    long forms in order, the pattern for short ones) is rebuilt lazily, once per batch.
    """

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.lock = threading.Lock()
        self.clear()
        for value in values:
            self.add(value)

    def clear(self) -> None:
        """Hold nothing."""
        self.values: set[str] = set()
        self.forms: set[str] = set()  # FRAGMENT or longer: found anywhere, folded, or cut
        self.short: set[str] = set()  # shorter: found only whole, as a word
        self.grams: set[str] = set()  # every FRAGMENT-long piece of a form, whitespace removed
        self.longest = 0
        self._ordered: list[str] = []
        self._words: re.Pattern[str] | None = None
        self._stale = False

    def add(self, value: str) -> None:
        """Hold ``value`` too (the caller holds ``lock`` when others may read)."""
        self.values.add(value)
        for form in _forms(value):
            if len(form) < FRAGMENT:
                self.short.add(form)
            elif form not in self.forms:
                self.forms.add(form)
                self.longest = max(self.longest, len(form))
                compact = _SPACE.sub("", form)
                self.grams.update(
                    compact[i : i + FRAGMENT] for i in range(len(compact) - FRAGMENT + 1)
                )
        self._stale = True

    def ready(self) -> tuple[list[str], re.Pattern[str] | None]:
        """The long forms, longest first, and one pattern that finds any short form."""
        if self._stale:
            with self.lock:
                self._ordered = sorted(self.forms, key=len, reverse=True)
                self._words = _word_pattern(self.short)
                self._stale = False
        return self._ordered, self._words


def _word_pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    # A short form is found where it stands whole: no letter, digit or underscore may touch
    # an end of it that is one (an end that is punctuation is a boundary itself).
    parts = [
        (r"(?<!\w)" if _WORD.match(form[0]) else "")
        + re.escape(form)
        + (r"(?!\w)" if _WORD.match(form[-1]) else "")
        for form in sorted(forms, key=len, reverse=True)
    ]
    return re.compile("|".join(parts)) if parts else None


_KNOWN = _Known()


def remember(value: str) -> None:
    """Scrub ``value`` (in all its forms) from every text from now on, until ``forget_all``."""
    if not value or value in _KNOWN.values:
        return
    with _KNOWN.lock:
        _KNOWN.add(value)


def forget_all() -> None:
    """Forget every remembered secret (each command run starts afresh)."""
    with _KNOWN.lock:
        _KNOWN.clear()
    _passed.cache_clear()


@functools.lru_cache(maxsize=8)
def _passed(values: frozenset[str]) -> _Known:
    # The same few secrets are passed call after call (scrub_error scrubs each field).
    return _Known(values)


def _forms(value: str) -> set[str]:
    raw = value.encode("utf-8")
    forms = {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(json.dumps(value))[3:-3],  # escaped twice: JSON quoted inside JSON
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
    }
    for pad in range(3):  # base64 at each alignment within a longer encoded blob
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * pad + raw).decode("ascii")
            first = -(-8 * pad // 6)  # the first character with no bits of what precedes
            last = (8 * (pad + len(raw)) - 6) // 6  # the last with none of what follows
            if pad == 0:
                forms.add(text)  # the value encoded on its own, padding and all
            for piece in (text[first:], text.rstrip("=")[first : last + 1]):
                if len(piece) >= FRAGMENT:  # a shorter piece is too common to be telling
                    forms.add(piece)
    return {form for form in forms if form}


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every remembered secret, and each of ``secrets``, replaced by ``REDACTED``
    in all the forms the module docstring lists."""
    tables = [_KNOWN]
    extra = frozenset(value for value in secrets if value and value not in _KNOWN.values)
    if extra:  # these only for this call: remembering is for values read from the run
        tables.append(_passed(extra))
    if not text:
        return text
    ready = [table.ready() for table in tables]
    forms = list(heapq.merge(*(ordered for ordered, _ in ready), key=len, reverse=True))
    words = [pattern for _, pattern in ready if pattern is not None]
    if not forms and not words:
        return text
    for form in forms:
        if form in text:
            text = text.replace(form, REDACTED)
    positions = [i for i, char in enumerate(text) if not char.isspace()]
    compact = "".join(text[i] for i in positions)
    hit = bytearray(len(compact))
    for held in (table.grams for table in tables if table.grams):
        for i in range(len(compact) - FRAGMENT + 1):
            if compact[i : i + FRAGMENT] in held:
                hit[i : i + FRAGMENT] = b"\1" * FRAGMENT
    for pattern in words:
        for match in pattern.finditer(text):
            start = bisect.bisect_left(positions, match.start())
            end = bisect.bisect_left(positions, match.end())
            hit[start:end] = b"\1" * (end - start)
    if not any(hit):
        return text
    out: list[str] = []
    cursor = 0
    k = 0
    while k < len(compact):
        if not hit[k]:
            k += 1
            continue
        end = k
        while end + 1 < len(compact) and hit[end + 1]:
            end += 1
        out.append(text[cursor : positions[k]])
        out.append(REDACTED)
        cursor = positions[end] + 1
        k = end + 1
    out.append(text[cursor:])
    return "".join(out)


def scrub_prefix(text: str, keep: int) -> str:
    """``scrub(text)``, or less work to the same effect for a text that is about to be cut to
    ``keep`` characters: only a head long enough to hold whole any secret that reaches into
    the first ``keep`` characters is scrubbed (the rest is dropped by the cut anyway)."""
    known = _KNOWN
    if not known.values:
        return text
    window = keep + max(known.longest, FRAGMENT) + FRAGMENT
    if len(text) <= window:
        return scrub(text)
    head = scrub(text[:window])
    return head if len(head) > keep else scrub(text)


def scrub_value(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of a JSON-like value with every string in it scrubbed (keys included)."""
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, Mapping):
        return {scrub_value(k, secrets): scrub_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_value(item, secrets) for item in value]
    return value


def scrub_error(error: E, secrets: Iterable[str] = ()) -> E:
    """``error`` (changed in place) scrubbed: its message and, for API and transport errors,
    what the API or the network said."""
    values = [value for value in secrets if value]
    error.message = scrub(error.message, values)
    error.args = tuple(scrub_value(arg, values) for arg in error.args)
    if isinstance(error, ApiError):
        error.error = None if error.error is None else scrub(error.error, values)
        if error.api_message is not None:
            error.api_message = scrub(error.api_message, values)
        error.body = scrub_value(error.body, values)
    if isinstance(error, TransportError):
        error.reason = scrub(error.reason, values)
    return error
