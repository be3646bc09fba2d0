"""``Kind/NAME`` addresses of live objects, as ``show`` takes them.

``Assignment/Invoice triage``, ``Connection/Snowflake prod``, ``Folder/Finance/Accounts
Payable`` (a folder by its name, or its path of names from the root), or any of them with the
object's id instead of its name (``Assignment/3c90c3cc-0d44-4b50-8888-8dd25736052a``). The kind
is matched without regard to case; everything after the first ``/`` is the name, so names may
contain ``/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from duvoform.errors import UsageError
from duvoform.text import did_you_mean, quote

__all__ = ["SHOWN_KINDS", "Address", "parse_address"]

SHOWN_KINDS: tuple[str, ...] = ("Assignment", "Connection", "Folder")


@dataclass(frozen=True)
class Address:
    """A kind and a name (for folders, a name or a path) or an id."""

    kind: str
    ref: str

    @property
    def is_id(self) -> bool:
        """True when ``ref`` is a UUID: the object is read by its id, directly."""
        try:
            UUID(self.ref)
        except ValueError:
            return False
        return len(self.ref) == 36

    def __str__(self) -> str:
        return f"{self.kind}/{self.ref}"


def parse_address(text: str) -> Address:
    """``Kind/NAME`` -> ``Address``; ``UsageError`` for anything else."""
    kind, sep, ref = text.partition("/")
    known = {k.casefold(): k for k in SHOWN_KINDS}
    if not sep or not ref:
        raise UsageError(
            f"{quote(text)} is not an address: write Kind/NAME or Kind/ID, with Kind one of "
            + ", ".join(SHOWN_KINDS)
        )
    if kind.casefold() not in known:
        raise UsageError(
            f"{quote(kind)} is not a kind duvoform shows (one of {', '.join(SHOWN_KINDS)})"
            + did_you_mean(kind, SHOWN_KINDS)
        )
    return Address(known[kind.casefold()], ref)
