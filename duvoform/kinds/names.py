"""Safe file names and environment variable names made from display names.

Duvo names can hold anything: unicode, slashes, quotes, colons, emoji, a trailing dot, a name
that only differs from another in case. A file name made from one must work on every common
file system (Linux, macOS, Windows; case-insensitive ones too) and in a git repository:

- the name is folded to ASCII (accents dropped: ``Rechnungsprüfung`` -> ``rechnungsprufung``),
  lower-cased, and every run of other characters becomes one ``-``;
- it is at most ``MAX_STEM`` characters, never starts with ``.`` or ``-`` (hidden files are
  skipped by manifest discovery), and never is a name Windows reserves (``con``, ``nul``...);
- a name with nothing left (``請求書``, ``???``) becomes ``<fallback>-<8 hex of its sha256>``;
- two names that give the same stem (``A/B`` and ``A B``; ``Triage`` and ``triage``) get
  ``-2``, ``-3``... in the order they are claimed, compared without case.

Environment variable names follow the same folding, upper-cased with ``_``, and always start
with a letter.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from duvoform.kinds.reserved import reserved_env

__all__ = ["MAX_STEM", "UniqueNames", "env_var_name", "file_stem"]

MAX_STEM = 60
_OTHER = re.compile(r"[^a-z0-9]+")
_ENV_OTHER = re.compile(r"[^A-Z0-9]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def file_stem(name: str, fallback: str = "item") -> str:
    """A file name stem (no suffix) for ``name``; see the module docstring for the rules."""
    stem = _OTHER.sub("-", _ascii(name).lower()).strip("-")
    stem = stem[:MAX_STEM].rstrip("-")
    if not stem:
        return f"{fallback}-{_digest(name)}"
    if stem in _WINDOWS_RESERVED:
        return f"{stem}-{fallback}"
    return stem


def env_var_name(*parts: str) -> str:
    """``SNOWFLAKE_PROD_AUTHORIZATION`` from ``("Snowflake prod", "Authorization")``.

    Always a valid variable name (letters, digits, ``_``; starting with a letter; never a
    reserved one: ``GITHUB_...`` becomes ``DUVO_GITHUB_...``); parts with
    nothing usable left are replaced by a short digest so that the name stays specific.
    """
    pieces = []
    for part in parts:
        piece = _ENV_OTHER.sub("_", _ascii(part).upper()).strip("_")
        pieces.append(piece or f"X{_digest(part).upper()}")
    name = "_".join(pieces)
    # A name the CI platform owns (GITHUB_..., AWS_...) would be refused in a manifest.
    return name if name[:1].isalpha() and reserved_env(name) is None else f"DUVO_{name}"


class UniqueNames:
    """Hands out names that differ from every name handed out before, ignoring case.

    ``claim("triage")`` gives ``triage``, the next ``claim("Triage")`` gives ``Triage-2``.
    ``join`` puts the counter between the stem and it (``-`` for files, ``_`` for variables).
    """

    def __init__(self, join: str = "-") -> None:
        self._join = join
        self._taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        """``wanted``, or ``wanted`` with the smallest counter that makes it unique."""
        candidate = wanted
        counter = 1
        while candidate.casefold() in self._taken:
            counter += 1
            candidate = f"{wanted}{self._join}{counter}"
        self._taken.add(candidate.casefold())
        return candidate

    def reserve(self, name: str) -> None:
        """Mark ``name`` as taken without handing it out."""
        self._taken.add(name.casefold())
