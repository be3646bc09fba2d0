"""Which of the caller's connections a build uses: its integration slots and their pins.

A build has integration *slots* (catalog or custom integrations); each user *pins* their own
connections to a slot. A manifest's ``spec.build.connections`` lists the connections pinned to
the live build's slots. Reading the pins costs one request per slot, so for a team of 1,000
assignments they are inferred where that is certain enough, and read only where it is not:

- the assignment list embeds the slots of each assignment's *latest* build
  (``integration_configs``) with ``is_connected``: whether the caller has pinned anything;
- a slot the caller has not connected has no pin of theirs: nothing to read;
- a connected slot whose integration matches exactly one of the caller's connections (its
  ``custom_integration_id``, else its ``integration_id``) is taken to be pinned to that one
  (**inferred**: the API pins a user's connection to the slot of its integration);
- a connected slot with several candidates, or none, has its pins read
  (``GET .../integrations/{slot}/connections``);
- when the latest build is not the live one, the live build's slots are listed first, and all
  of their pins read (``is_connected`` is only given for the latest build).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from duvoform.api.client import DuvoClient
from duvoform.api.models import Connection, IntegrationConfig, Pin, Slot
from duvoform.api.tasks import gather

__all__ = [
    "SlotView",
    "WiredSlot",
    "candidates",
    "infer",
    "read_wiring",
    "slots_from_configs",
    "slots_from_list",
]

How = Literal["pins", "inferred", "not_connected"]


@dataclass(frozen=True)
class SlotView:
    """One integration slot: ``integration`` is its catalog or custom integration id;
    ``connected`` is whether the caller pinned anything (None: not known)."""

    slot_id: str
    integration: str | None
    type: str | None
    name: str | None
    connected: bool | None


@dataclass(frozen=True)
class WiredSlot:
    """A slot and the caller's connections pinned to it (ids; ``connections`` those visible)."""

    slot: SlotView
    pinned_ids: tuple[str, ...]
    connections: tuple[Connection, ...]
    how: How


def slots_from_configs(configs: Iterable[IntegrationConfig]) -> tuple[SlotView, ...]:
    """The slots an agent embeds for its latest build (``integration_configs``)."""
    return tuple(
        SlotView(c.id, c.integration_id, c.integration_type, c.integration_name, c.is_connected)
        for c in configs
    )


def slots_from_list(slots: Iterable[Slot]) -> tuple[SlotView, ...]:
    """The slots of ``GET .../revisions/{build}/integrations`` (whether pinned is unknown)."""
    return tuple(
        SlotView(
            s.id,
            s.custom_integration_id or s.integration_id,
            s.integration_type,
            s.integration_name,
            None,
        )
        for s in slots
    )


def candidates(slot: SlotView, connections: Iterable[Connection]) -> tuple[Connection, ...]:
    """The caller's connections of the slot's integration."""
    if slot.integration is None:
        return ()
    return tuple(
        c
        for c in connections
        if slot.integration in {c.custom_integration_id, c.integration_id} - {None}
    )


def infer(slot: SlotView, connections: Sequence[Connection]) -> WiredSlot | None:
    """The slot's pins without reading them, or None when they must be read."""
    if slot.connected is False:
        return WiredSlot(slot, (), (), "not_connected")
    if slot.connected is None:
        return None
    found = candidates(slot, connections)
    if len(found) != 1:
        return None
    return WiredSlot(slot, (found[0].id,), found, "inferred")


def _wired(slot: SlotView, pins: Sequence[Pin], connections: Sequence[Connection]) -> WiredSlot:
    by_id = {c.id: c for c in connections}
    ids = tuple(dict.fromkeys(pin.connection_id for pin in pins))
    visible = tuple(by_id[i] for i in ids if i in by_id)
    return WiredSlot(slot, ids, visible, "pins" if ids else "not_connected")


async def read_wiring(
    client: DuvoClient,
    agent_id: str,
    build_id: str,
    slots: Sequence[SlotView] | None,
    connections: Sequence[Connection],
) -> tuple[WiredSlot, ...]:
    """Every slot of the build with its pins: inferred where certain, read where not.

    ``slots``: the embedded slots when ``build_id`` is the latest build, else None (they are
    listed first).
    """
    if slots is None:
        slots = slots_from_list(await client.list_slots(agent_id, build_id))
    known = [infer(slot, connections) for slot in slots]
    unknown = [slot for slot, wired in zip(slots, known, strict=True) if wired is None]
    read = await gather(client.list_pins(agent_id, build_id, slot.slot_id) for slot in unknown)
    pins = {slot.slot_id: found for slot, found in zip(unknown, read, strict=True)}
    return tuple(
        wired if wired is not None else _wired(slot, pins[slot.slot_id], connections)
        for slot, wired in zip(slots, known, strict=True)
    )
