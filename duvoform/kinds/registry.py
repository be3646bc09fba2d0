"""The registry of kinds: the one list of what duvoform manages.

``HOMES`` names each kind's home module (``duvoform/kinds/<kind>/home.py``), in the order their
changes run: folders, then connections, then assignments (deletes run in the reverse order
within a plan's dependencies). ``homes()`` and ``home(kind)`` import them when first asked, so
that the engine, which the homes use, can import the kind models without a cycle.

Each kind's manifest class also decorates itself with ``@register`` (the loader and the JSON
Schemas need the classes before any home); registering a kind name twice is a programming
error and raises ``ValueError`` at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable

    from duvoform.api.routes import Route
    from duvoform.engine.steps import Op, Step
    from duvoform.kinds.base import Resource
    from duvoform.kinds.home import KindHome, Operation

__all__ = [
    "HOMES",
    "home",
    "homes",
    "kind_class",
    "kinds",
    "operations",
    "order_of",
    "register",
    "requests_of",
]

HOMES: tuple[str, ...] = (
    "duvoform.kinds.folder.home",
    "duvoform.kinds.connection.home",
    "duvoform.kinds.assignment.home",
)
"""Every kind's home module, in the order their changes run."""

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


@cache
def homes() -> tuple[KindHome, ...]:
    """Every kind's home, in the order their changes run."""
    return tuple(importlib.import_module(name).HOME for name in HOMES)


def home(kind: str) -> KindHome | None:
    """The home of ``kind``, or None for a name no kind has."""
    for found in homes():
        if found.kind == kind:
            return found
    return None


def order_of(kind: str) -> int:
    """Where ``kind``'s changes run among the kinds (unknown kinds last)."""
    for index, found in enumerate(homes()):
        if found.kind == kind:
            return index
    return len(HOMES)


@cache
def operations() -> Mapping[Op, Operation]:
    """The operations table: every ``Op`` with its handler and the routes it writes, from the
    kinds' homes (a test checks that every ``Op`` has exactly one)."""
    table: dict[Op, Operation] = {}
    for found in homes():
        for operation in found.operations():
            if operation.op in table:
                raise ValueError(f"operation {operation.op} is declared twice")
            table[operation.op] = operation
    return MappingProxyType(table)


def requests_of(steps: Iterable[Step]) -> tuple[Route, ...]:
    """The routes ``steps`` write, each once, in the order the steps first write them: the
    ``requests`` of the change they make up."""
    table = operations()
    found: dict[Route, None] = {}
    for step in steps:
        for route in table[step.op].requests(step.params):
            found.setdefault(route)
    return tuple(found)
