"""Build wiring: the integration slots and pins that ``spec.build.connections`` asks for.

A build holds integration **slots**, and each user **pins** their own connection to a slot
(REFERENCE §9.3). For every connection a build names, the assignment's live build needs a slot
for the connection's integration (its ``custom_integration_id``, else its ``integration_id``:
what the executor's ``build.wire`` resolves a Connection reference to) and a pin of that
connection on the slot (pins are the API key's user's own):

- **a new build** (a new assignment's first build, or ``build.create``): a ``build.wire`` step
  right after it names every connection; the handler attaches and pins only what is missing
  (a replacement build copies the live build's slots and pins through ``source_build``);
- **an unchanged build**: compared with ``LiveState.slots`` and ``LiveState.pins``, read for
  the assignments whose manifests name connections (``slot_reads``; mostly taken from the
  assignment list, see ``duvoform.engine.live``). A missing slot or pin is an update with a
  ``build.wire`` step naming only what is missing. A build whose slots were not read is not
  compared.

Connections are part of the build digest (``duvoform.kinds.assignment.digest``), so naming another
connection makes a new build. Wiring only adds; the slots of managed connections the manifest
no longer lists (or whose connection is gone) are removed, and the rest reported, by
``duvoform.kinds.assignment.cleanup``.
A connection that waits for a person to authorize it (``connection.authorize``) has no id yet,
so it is wired by a second wire step that runs after the authorize step: apply reports that
step as pending, not failed, while the other connections are wired, and the next apply after
``duvoform connect`` wires it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from duvoform.api.models import Agent, Build
from duvoform.api.models import Connection as LiveConnection
from duvoform.engine.context import Context
from duvoform.engine.graph import DesiredState
from duvoform.engine.plan import Action, FieldChange
from duvoform.engine.steps import build_key, ref
from duvoform.kinds import Assignment, Connection
from duvoform.kinds.connection.diff import identities

__all__ = [
    "Wiring",
    "connection_address",
    "integration_of",
    "new_build_wiring",
    "slot_reads",
    "wiring_drift",
]


def connection_address(name: str) -> str:
    """The address of the connection called ``name``."""
    return f"{Connection.KIND}/{name}"


def slot_reads(desired: DesiredState) -> frozenset[str]:
    """Names (and pinned ids) of the assignments whose builds name connections."""
    out: set[str] = set()
    for assignment in desired.of_kind(Assignment.KIND):
        if isinstance(assignment, Assignment) and assignment.spec.build.connections:
            out |= identities(assignment)
    return frozenset(out)


def integration_of(connection: LiveConnection) -> str | None:
    """The integration a slot for this connection is made of (None: it has none)."""
    return connection.custom_integration_id or connection.integration_id


@dataclass
class Wiring:
    """The ``build.wire`` steps of one assignment's change (parameters, the step ids each
    runs after), and what the plan shows of them."""

    steps: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _authorize_step(ctx: Context, address: str) -> str | None:
    """The id of the authorize step of the connection at ``address``, if the plan has one."""
    change = ctx.change_of(address, Action.AUTHORIZE)
    return change.steps[0].id if change is not None and change.steps else None


def _params(address: str, slots: list[str], pins: list[str]) -> dict[str, Any]:
    return {
        "agent": ref(address),
        "build": ref(build_key(address)),
        "integrations": [ref(connection_address(name)) for name in slots],
        "pins": [
            {
                "integration": ref(connection_address(name)),
                "connection": ref(connection_address(name)),
            }
            for name in pins
        ],
    }


def _wire(ctx: Context, address: str, slots: list[str], pins: list[str]) -> Wiring:
    """One wire step for the connections that exist or are created by this plan, and one
    for those waiting for a person to authorize them (it runs after their authorize steps,
    so apply reports it as pending while the rest is wired)."""
    waiting: dict[str, str] = {}
    for name in dict.fromkeys([*slots, *pins]):
        step_id = _authorize_step(ctx, connection_address(name))
        if step_id is not None:
            waiting[name] = step_id
    wiring = Wiring()
    ready_slots = [name for name in slots if name not in waiting]
    ready_pins = [name for name in pins if name not in waiting]
    if ready_slots or ready_pins:
        wiring.steps.append((_params(address, ready_slots, ready_pins), []))
    if waiting:
        later_slots = [name for name in slots if name in waiting]
        later_pins = [name for name in pins if name in waiting]
        wiring.steps.append(
            (_params(address, later_slots, later_pins), sorted(set(waiting.values())))
        )
        shown = ", ".join(f'"{name}"' for name in waiting)
        wiring.notes.append(
            f"{shown} will be wired once a person has authorized it (duvoform connect); "
            "until then apply reports that wiring as pending"
        )
    return wiring


def new_build_wiring(ctx: Context, assignment: Assignment, address: str) -> Wiring | None:
    """The wire step after a new build: every connection the build names (None: none)."""
    names = list(assignment.spec.build.connections)
    if not names:
        return None
    return _wire(ctx, address, names, names)


def _live_wiring(
    ctx: Context, agent: Agent, build: Build
) -> tuple[set[str], dict[str, set[str]]] | None:
    """(integration ids with a slot, integration id -> pinned connection ids), if read."""
    slots = ctx.live.slots.get((agent.id, build.id))
    if slots is None:
        return None
    attached: set[str] = set()
    pinned: dict[str, set[str]] = {}
    for slot in slots:
        pins = {pin.connection_id for pin in ctx.live.pins.get((agent.id, build.id, slot.id), ())}
        for integration in (slot.integration_id, slot.custom_integration_id):
            if integration:
                attached.add(integration)
                pinned.setdefault(integration, set()).update(pins)
    return attached, pinned


def wiring_drift(
    ctx: Context, assignment: Assignment, address: str, agent: Agent, *, new_build: bool
) -> Wiring | None:
    """The wire step an assignment's change needs (None: its wiring is as declared).

    ``new_build``: the change makes a new build, so every connection is named. Otherwise the
    live build's slots and pins are compared (when they were read).
    """
    names = list(assignment.spec.build.connections)
    build = ctx.live.live_build(agent.id)
    read = _live_wiring(ctx, agent, build) if build is not None else None
    if new_build:
        wiring = new_build_wiring(ctx, assignment, address)
        if wiring is not None and read is not None:
            before = _wired_names(ctx, names, read)
            if sorted(before) != sorted(names):
                wiring.fields.append(FieldChange("build.connections", sorted(before), names))
        return wiring
    if not names or read is None:
        return None
    attached, pinned = read
    need_slot: list[str] = []
    need_pin: list[str] = []
    for name in names:
        live = _live_connection(ctx, name)
        if live is None:
            need_slot.append(name)
            need_pin.append(name)
            continue
        integration = integration_of(live)
        if integration is None:
            ctx.result.warnings.append(
                f"{address}: {connection_address(name)} has no integration id (neither "
                "custom_integration_id nor integration_id), so it cannot be attached to a build"
            )
            continue
        if integration not in attached:
            need_slot.append(name)
        if live.id not in pinned.get(integration, set()):
            need_pin.append(name)
    if not need_slot and not need_pin:
        return None
    wiring = _wire(ctx, address, need_slot, need_pin)
    before = _wired_names(ctx, names, read)
    wiring.fields.append(FieldChange("build.connections", sorted(before), sorted(names)))
    return wiring


def _live_connection(ctx: Context, name: str) -> LiveConnection | None:
    live_id = ctx.live_id(connection_address(name))
    return ctx.live.connection(live_id) if live_id is not None else None


def _wired_names(
    ctx: Context, names: list[str], read: tuple[set[str], dict[str, set[str]]]
) -> list[str]:
    """The named connections the live build has a slot and a pin for."""
    attached, pinned = read
    wired = []
    for name in names:
        live = _live_connection(ctx, name)
        integration = integration_of(live) if live is not None else None
        if (
            live is not None
            and integration in attached
            and live.id in pinned.get(integration or "", set())
        ):
            wired.append(name)
    return wired
