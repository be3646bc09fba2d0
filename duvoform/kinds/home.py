"""``KindHome``: everything the rest of duvoform asks of one kind, in one object.

Each kind's folder (``duvoform/kinds/<kind>/``) has a ``home.py`` whose ``HOME`` is an instance
of a ``KindHome`` subclass; ``duvoform.kinds.registry`` lists those modules, in the order their
changes run. The engine, the safety rails, plan files and ``show`` never test a kind's name:
they ask its home. A new kind is a new folder (model, differ, mapping, operations, home) and
one line in the registry.

The home's methods take the engine's values (``LiveState``, ``Context``, ``DesiredState``), so
its module imports the engine; the registry imports homes only when first asked, which keeps the
kind models (imported by the engine) free of that cycle.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from duvoform.api.routes import Route
from duvoform.engine.steps import Op

if TYPE_CHECKING:
    from duvoform.apply.context import StepContext
    from duvoform.engine.context import Context
    from duvoform.engine.graph import DesiredState
    from duvoform.engine.live import LiveQuery, LiveState
    from duvoform.kinds.base import Resource

__all__ = ["KindHome", "Operation", "ShowWriter"]


@dataclass(frozen=True)
class Operation:
    """One ``Op``: the handler that sends its requests, and the routes a step of it writes.

    ``requests`` reads a step's parameters and returns the routes the handler may write for
    it, in order (a plan lists them as the change's ``requests``; a test checks every golden
    case's apply against them). Reads are not listed.
    """

    op: Op
    handler: Callable[[StepContext], Awaitable[None]]
    requests: Callable[[Mapping[str, Any]], tuple[Route, ...]]


class ShowWriter(Protocol):
    """Where a home writes ``show``'s text; the renderer makes every value printable."""

    def line(self, label: str, value: Any) -> None:
        """One line: ``label`` (duvoform's own words) then ``value`` (outside text)."""

    def raw(self, text: str) -> None:
        """Text of duvoform's own, written as it is."""

    def format(self, value: Any) -> str:
        """A value as the plan shows one (JSON-like, secrets masked)."""


class KindHome(ABC):
    """One kind's tables and behaviour, as the engine, safety, plan files and show use them.

    ``kind``: the manifest ``kind:``; ``plural``: how messages count them ("3 live folders");
    ``noun``: what identifies one among live objects ("name", or "path" for folders);
    ``model``: the manifest class.
    """

    kind: ClassVar[str]
    plural: ClassVar[str]
    noun: ClassVar[str] = "name"
    operation_modules: ClassVar[tuple[str, ...]] = ()
    """The modules whose ``OPERATIONS`` this kind's steps use (handlers and their routes)."""
    stored: ClassVar[bool] = False
    """Whether ``duvoform graph`` draws an object of this kind as a store (a cylinder: a
    service the team's assignments reach) rather than a box."""

    def operations(self) -> tuple[Operation, ...]:
        """This kind's operations, imported when first asked (they import the executor's
        step context, which the engine must not load to plan)."""
        found: list[Operation] = []
        for name in self.operation_modules:
            found += importlib.import_module(name).OPERATIONS
        return tuple(found)

    @property
    @abstractmethod
    def model(self) -> type[Resource]:
        """The manifest class of this kind."""

    # -- planning ------------------------------------------------------------------------

    def live_query(self, desired: DesiredState, query: LiveQuery) -> LiveQuery:
        """``query`` with the extra reads this kind's differ needs (default: none)."""
        return query

    @abstractmethod
    def diff(self, ctx: Context) -> None:
        """Add the creates and updates of this kind's declared objects to ``ctx``."""

    def deletes(self, ctx: Context) -> None:  # noqa: B027 (most kinds delete nothing)
        """Add the deletes of this kind (``ensure: absent``, prune), once all else is known."""

    # -- live state ----------------------------------------------------------------------

    @abstractmethod
    def live_count(self, live: LiveState) -> int:
        """How many live objects of this kind there are."""

    @abstractmethod
    def live_ids(self, live: LiveState, identity: str) -> list[str]:
        """The live ids of the objects whose name (or, for folders, path) is ``identity``."""

    def holders(
        self,
        live: LiveState,
        desired: DesiredState,
        ids: Mapping[str, str],
        resource: Resource | None,
        name: str,
    ) -> list[str]:
        """The live objects that already have the identity a change gives its object."""
        return self.live_ids(live, name)

    @abstractmethod
    def fingerprint_view(self, live: LiveState, live_id: str) -> dict[str, Any] | None:
        """Exactly what the differ compares of one live object (None: it does not exist);
        see ``duvoform.engine.fingerprint``. Built in a fixed key order."""

    def target_hint(self, name: str, candidates: Sequence[str]) -> str:
        """An extra hint for ``--target Kind/name`` that names nothing (default: none)."""
        return ""

    # -- show ----------------------------------------------------------------------------

    @abstractmethod
    def show_text(self, out: ShowWriter, facts: Mapping[str, Any]) -> None:
        """``show``'s text for one object's facts (``kinds/<kind>/facts.py``), line by line."""
