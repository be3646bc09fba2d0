"""What a handler works with while it runs one step, and the one way creates are made.

``StepContext`` gives a handler its step's parameters (with references resolved against the id
map, and secrets revealed only where asked), the client, and a place to record the ids it makes
and notes for the report.

``create_once`` is how every create is sent (DESIGN §8): a create whose outcome is unknown
(``UncertainWriteError``) is never sent again blindly. The handler's ``find`` re-lists and
looks for the object the lost attempt may have made; if it is there it is adopted, otherwise
the create is tried again, up to ``create_attempts`` times in all. So no retry ever makes a
duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from duvoform.api.client import DuvoClient
from duvoform.engine.steps import Step, ref_target, resolve
from duvoform.errors import ApplyError, UncertainWriteError

__all__ = ["DEFAULT_CREATE_ATTEMPTS", "Mover", "Reveal", "StepContext", "create_once"]

logger = logging.getLogger("duvoform.apply")

DEFAULT_CREATE_ATTEMPTS = 4

T = TypeVar("T")
Reveal = Callable[[Mapping[str, str]], str]
Mover = Callable[[list[str], str | None], Awaitable[None]]

_MISSING = object()


@dataclass
class StepContext:
    """One step being run: its parameters, the shared id map, the client, what it made."""

    step: Step
    client: DuvoClient
    ids: MutableMapping[str, str]
    reveal: Reveal
    create_attempts: int = DEFAULT_CREATE_ATTEMPTS
    move: Mover | None = None  # shares move requests between steps (``MoveBatcher.move``)
    known: dict[tuple[str, str], Any] = field(default_factory=dict)
    """What this run has learnt that later steps would otherwise read again, shared by every
    step of one run: ``("integration", connection id)``: its integration id;
    ``("slots", build id)``: the integration slots of a build this run made (a set)."""
    created: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    pending: str | None = None
    secrets_sent: set[str] = field(default_factory=set, repr=False, compare=False)
    """The secret values this step read (``revealed``), so that an error that quotes the
    request back can be scrubbed of them; never shown, logged or kept after the step."""

    # -- parameters ----------------------------------------------------------------------

    def has(self, name: str) -> bool:
        """Whether the step sets the parameter ``name`` (``None`` counts as set)."""
        return name in self.step.params

    def raw(self, name: str, default: Any = _MISSING) -> Any:
        """The parameter as written in the plan (references and secrets unresolved)."""
        if name in self.step.params:
            return self.step.params[name]
        if default is _MISSING:
            raise ApplyError(
                f"{self.step.id}: the {self.step.op.value} step has no {name!r} parameter "
                "(the plan is malformed; make it again with duvoform plan)"
            )
        return default

    def value(self, name: str, default: Any = _MISSING) -> Any:
        """The parameter with every reference replaced by its live id (a secret in it is an
        error: use ``revealed``)."""
        return self.resolve(self.raw(name, default))

    def revealed(self, name: str) -> Any:
        """The parameter with references resolved and secret values read (for the request
        about to be sent; never keep the result)."""
        return self.resolve(self.raw(name), reveal=True)

    def resolve(self, value: Any, *, reveal: bool = False) -> Any:
        """``value`` with references replaced by ids; with ``reveal``, secrets by values.

        A reference to a resource with no known id is an ``ApplyError`` naming it.
        """
        try:
            return resolve(value, self.ids, self._reveal if reveal else _refuse_secret)
        except KeyError as exc:
            address = exc.args[0] if exc.args else "?"
            raise ApplyError(
                f"{self.step.address} needs the id of {address}, which is not known: it is "
                "neither live nor made by an earlier step of this plan"
            ) from None

    def _reveal(self, marker: Mapping[str, str]) -> str:
        value = self.reveal(marker)
        self.secrets_sent.add(value)
        return value

    def id_of(self, name: str) -> str | None:
        """A parameter that holds one reference (or a plain id, or None), as an id."""
        value = self.value(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ApplyError(f"{self.step.id}: parameter {name!r} is not a reference or an id")
        return value

    @staticmethod
    def address_of(value: Any) -> str | None:
        """The address a ``{"$ref": address}`` marker names, or None for anything else."""
        return ref_target(value)

    # -- outcomes ------------------------------------------------------------------------

    def record(self, key: str, ident: str) -> None:
        """Remember an id this step made or adopted; later steps resolve ``key`` to it."""
        self.created[key] = ident
        self.ids[key] = ident

    def note(self, text: str) -> None:
        """A line for the report and the journal (never a secret)."""
        logger.info("%s: %s", self.step.address, text)
        self.notes.append(text)


def _refuse_secret(marker: Mapping[str, str]) -> str:
    # Secrets are read only through ``revealed``, for the request about to be sent.
    raise ApplyError("a secret was found where none was expected; it was not read")


async def create_once(
    ctx: StepContext,
    what: str,
    create: Callable[[], Awaitable[T]],
    find: Callable[[], Awaitable[T | None]],
) -> T:
    """Send a create; when its outcome is unknown, adopt what it made or try again.

    ``what`` names the object for notes (``folder "Finance"``). Raises the last
    ``UncertainWriteError`` (with the attempt count) when every attempt was lost and nothing
    was found.
    """
    last: UncertainWriteError | None = None
    for attempt in range(1, ctx.create_attempts + 1):
        try:
            made = await create()
        except UncertainWriteError as exc:
            last = exc
            logger.info("%s: create of %s uncertain (%s); re-listing", ctx.step.id, what, exc)
            found = await find()
            if found is not None:
                ctx.note(
                    f"the create of {what} got no clear answer ({exc.reason}); "
                    f"found it live and adopted it{_after(attempt)}"
                )
                return found
            continue
        if last is not None:  # one note for every lost answer before this one
            ctx.note(
                f"the create of {what} got no clear answer {_times(attempt - 1)} "
                f"({last.reason}), and a re-list found nothing each time; sent again, it was "
                "created"
            )
        return made
    assert last is not None
    tries = ctx.create_attempts
    raise UncertainWriteError(
        last.method,
        last.path,
        last.reason,
        status=last.status,
        message=(
            f"{last.method} {last.path}: no clear answer to any of {tries} attempt"
            f"{'s' if tries != 1 else ''} to create {what} ({last.reason}). A re-list after "
            "each found no such object, so it was most likely not created, but the API may "
            "still be finishing one: it may or may not exist. Run duvoform plan: it shows "
            "the create again if it does not exist, and no change if it does"
        ),
    )


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _after(attempt: int) -> str:
    return f" (after {attempt} attempts)" if attempt > 1 else ""
