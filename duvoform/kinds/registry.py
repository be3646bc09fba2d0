"""The registry of manifest kinds: one ``Resource`` subclass per ``kind:`` value.

Each kind module decorates its class with ``@register``. Registering a kind name twice is a
programming error and raises ``ValueError`` at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from duvoform.kinds.base import Resource

__all__ = ["kind_class", "kinds", "register"]

_KINDS: dict[str, type[Resource]] = {}

R = TypeVar("R", bound="type[Resource]")


def register(cls: R) -> R:
    """Register ``cls`` under its ``KIND``; a second class for one kind is an error."""
    kind = cls.KIND
    existing = _KINDS.get(kind)
    if existing is not None and existing is not cls:
        raise ValueError(
            f"kind {kind!r} is registered twice: {existing.__module__}.{existing.__qualname__} "
            f"and {cls.__module__}.{cls.__qualname__}"
        )
    _KINDS[kind] = cls
    return cls


def kinds() -> Mapping[str, type[Resource]]:
    """Every registered kind, by name (read-only)."""
    return MappingProxyType(_KINDS)


def kind_class(kind: str) -> type[Resource] | None:
    """The class registered for ``kind``, or None."""
    return _KINDS.get(kind)
