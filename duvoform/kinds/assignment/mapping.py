"""Live folders and assignments -> manifest documents (connections: ``export.connections``).

The one mapping ``import`` writes and ``show --format yaml`` prints. Only what a manifest says
is written: no server-set field (ids, timestamps, counts, statuses), keys in the order of the
manifest models, list values sorted (their order carries no meaning), the delivery flags only
when on (omitted means off), and ``metadata.id`` only when the name alone would match more
than one live object. The SOP is written inline (``sop``); ``import`` moves it to a file.

A build maps like this:

- **v2 config**: ``models.agent.model`` -> ``model``, ``models.browsing`` -> ``browsing``,
  ``input`` -> ``sop``, ``files``/``skills``/``plugins`` as they are, ``subAgents`` (ids) ->
  ``sub_agents`` (names), ``options`` as the API returns them, and the labels
  ``revision_name``/``revision_description``.
- **legacy v1 config**: ``data.model`` -> ``model``, ``input`` -> ``sop``, ``files`` and
  ``skills``; ``browsing`` gets the default (v1 had none). What v2 cannot hold (``tools``,
  ``temperature``, ``max_output_tokens``, ``top_p``, ``store``, ``text``) is reported in a
  note. The planner adopts such a build while those four fields match; a new build is v2.
- **handover targets** cannot be read back from the API, except from a build duvoform made:
  its name lists them (``parse_handover``), and they are written when they are assignments
  the manifests name (else left out, with a note). Other builds: a note.
- **connections**: the caller's connections pinned to the live build's slots (``wiring``);
  a slot nobody of the caller pinned cannot be written (a manifest lists connections), so it
  is a note.
- an SOP made of structured messages keeps only its text parts, with a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from duvoform.api.models import (
    Agent,
    Build,
    BuildConfigV1,
    BuildConfigV2,
    InputMessage,
    Schedule,
)
from duvoform.kinds import DEFAULT_BROWSING, Assignment, BuildSpec
from duvoform.kinds.assignment.digest import build_digest, parse_digest, parse_handover
from duvoform.kinds.assignment.slots import WiredSlot
from duvoform.kinds.assignment.tables import FLAGS
from duvoform.kinds.document import Document, Skipped, check, header, one_line
from duvoform.text import quote

__all__ = [
    "HANDOVER_NOTE",
    "assignment_document",
    "schedule_comments",
    "sop_text",
]

HANDOVER_NOTE = (
    "handover targets cannot be read back from the Duvo API: only builds that duvoform made "
    "list them in their names, so check handover_to where an assignment built elsewhere hands "
    "work over"
)
BUILD_KEYS = tuple(BuildSpec.model_fields)
"""The order of ``spec.build`` keys: the order of the manifest model's fields."""
_V1_EXTRA = ("tools", "temperature", "max_output_tokens", "top_p", "store", "text")


def sop_text(value: Any) -> tuple[str | None, bool]:
    """The SOP as text, and whether it was made of structured messages (text parts kept)."""
    if value is None:
        return None, False
    if isinstance(value, str):
        return value, False
    parts: list[str] = []
    for message in value:
        if not isinstance(message, InputMessage):
            continue
        if isinstance(message.content, str):
            parts.append(message.content)
        else:
            parts.extend(part.text for part in message.content if part.text)
    return "\n\n".join(parts), True


def schedule_comments(schedules: Sequence[Schedule]) -> tuple[str, ...]:
    """Comment lines describing the schedules (read-only in the v1 API)."""
    if not schedules:
        return ()
    lines = ["Schedules (read-only in the Duvo API; duvoform shows them and never changes them):"]
    for schedule in sorted(schedules, key=lambda s: (s.created_at or "", s.id)):
        lines.append("  - " + one_line(_describe_schedule(schedule)))
    return tuple(lines)


def _describe_schedule(schedule: Schedule) -> str:
    when = schedule.frequency or ("custom" if schedule.cron else "schedule")
    if schedule.cron:
        when += f" cron {schedule.cron!r}"
    if schedule.day:
        when += f" on {schedule.day}"
    if schedule.day_of_month is not None:
        when += f" on day {int(schedule.day_of_month)}"
    if schedule.time:
        when += f" at {schedule.time}"
    if schedule.timezone:
        when += f" {schedule.timezone}"
    state = "enabled" if schedule.enabled is not False else "disabled"
    if schedule.recurring is False:
        state += ", runs once"
    owner = schedule.user_email or schedule.user_name or schedule.user_id
    text = f"{when}, {state}"
    if owner:
        text += f", owner {owner}"
    if schedule.task:
        text += f", task {quote(schedule.task)}"
    return text


def assignment_document(
    agent: Agent,
    build: Build | None,
    *,
    folder: str | None,
    agent_names: Mapping[str, str],
    connection_names: Mapping[str, str] | None = None,
    wiring: Sequence[WiredSlot] = (),
    schedules: Sequence[Schedule] = (),
    pin_id: bool = False,
) -> Document | Skipped:
    """The ``Assignment`` document of a live assignment and its live build.

    ``folder``: how the manifest names its folder (``folder_ref``). ``agent_names``: live id
    -> the name a manifest uses for that assignment (sub-agents); ``connection_names`` the
    same for connections (default: every pinned connection by its own name). ``wiring``: the
    live build's slots and the caller's pins on them.
    """
    address = f"{Assignment.KIND}/{agent.name}"
    if build is None:
        return Skipped(Assignment.KIND, agent.name, agent.id, "it has no build")
    notes: list[str] = []
    build_data = _build(build, agent_names, notes)
    if build_data is None:
        return Skipped(
            Assignment.KIND,
            agent.name,
            agent.id,
            f"its live build {build.id} has a config duvoform cannot read (version "
            f"{getattr(build.config, 'version', None)!r})",
        )
    connections, wiring_notes = _connections(wiring, connection_names)
    if connections:
        build_data["connections"] = connections
    notes += wiring_notes
    handover = _handover(build, agent_names, notes)
    if handover:
        build_data["handover_to"] = handover
    _labels(build, build_data)
    build_data = {key: build_data[key] for key in BUILD_KEYS if key in build_data}
    notes += _digest_note(build, build_data)
    metadata: dict[str, Any] = {"name": agent.name}
    if pin_id:
        metadata["id"] = agent.id
    spec: dict[str, Any] = {}
    if folder is not None:
        spec["folder"] = folder
    for flag in FLAGS:
        if getattr(agent, flag):
            spec[flag] = True
    spec["build"] = build_data
    data = {**header(Assignment.KIND, metadata), "spec": spec}
    document = Document(
        Assignment.KIND,
        agent.name,
        agent.id,
        data,
        comments=schedule_comments(schedules),
        notes=tuple(f"{address}: {note}" for note in notes),
    )
    return check(document)


def _build(build: Build, agent_names: Mapping[str, str], notes: list[str]) -> dict[str, Any] | None:
    config = build.config
    if isinstance(config, BuildConfigV2):
        data = config.data
        out: dict[str, Any] = {"model": data.models.agent.model}
        browsing = data.models.browsing
        if browsing is None:
            notes.append(
                "the live build names no browsing model; the manifest says the default, so "
                "the next apply makes a new build"
            )
            out["browsing"] = DEFAULT_BROWSING.model_dump()
        else:
            out["browsing"] = {"provider": browsing.provider, "model": browsing.model}
        _sop(data.input, out, notes)
        _lists(out, skills=data.skills, files=data.files, plugins=data.plugins)
        sub_agents = _sub_agents(data.sub_agents, agent_names, notes)
        if sub_agents:
            out["sub_agents"] = sub_agents
        if data.options is not None:
            options = data.options.model_dump(mode="json", by_alias=True, exclude_none=True)
            if options:
                out["options"] = options
        return out
    if isinstance(config, BuildConfigV1):
        data1 = config.data
        out = {"model": data1.model, "browsing": DEFAULT_BROWSING.model_dump()}
        _sop(data1.input, out, notes)
        _lists(out, skills=data1.skills, files=data1.files)
        lost = [name for name in _V1_EXTRA if getattr(data1, name) not in (None, [], {})]
        lost += sorted(data1.model_extra or {})
        note = (
            "the live build has a legacy v1 config; the manifest has the v2 shape, with the "
            "default browsing model (v1 had none): plan keeps the build while its model, SOP, "
            "files and skills match, and any new build is v2"
        )
        if lost:
            note += "; left out, as v2 has no place for them: " + ", ".join(lost)
        notes.append(note)
        return out
    return None


def _sop(value: Any, out: dict[str, Any], notes: list[str]) -> None:
    text, structured = sop_text(value)
    out["sop"] = text if text is not None else ""
    if structured:
        notes.append(
            "the live SOP is a list of structured messages; the manifest keeps their text "
            "parts only, so the next apply makes a new build"
        )


def _lists(out: dict[str, Any], **lists: Sequence[str]) -> None:
    for key, values in lists.items():
        if values:
            out[key] = sorted(dict.fromkeys(values))


def _sub_agents(ids: Sequence[str], names: Mapping[str, str], notes: list[str]) -> list[str]:
    found = sorted({names[i] for i in ids if i in names})
    missing = sorted({i for i in ids if i not in names})
    if missing:
        notes.append(
            "sub-agents that are not imported under their own name were left out: "
            + ", ".join(missing)
        )
    return found


def _connections(
    wiring: Sequence[WiredSlot], known: Mapping[str, str] | None
) -> tuple[list[str], list[str]]:
    names: set[str] = set()
    notes: list[str] = []
    left_out: set[str] = set()
    for wired in wiring:
        label = quote(wired.slot.name or wired.slot.type or wired.slot.slot_id)
        if not wired.pinned_ids:
            notes.append(
                f"the integration slot {label} has no connection of yours pinned, which a "
                "manifest cannot say (it lists connections)"
            )
            continue
        for connection in wired.connections:
            if known is None:
                names.add(connection.name)
            elif connection.id in known:
                names.add(known[connection.id])
            else:
                left_out.add(connection.id)
        hidden = len(wired.pinned_ids) - len(wired.connections)
        if hidden:
            notes.append(f"{hidden} connection(s) pinned to the slot {label} are not visible")
    if left_out:
        notes.append(
            "pinned connections that are not imported under their own name were left out: "
            + ", ".join(sorted(left_out))
        )
    return sorted(names), notes


def _handover(build: Build, names: Mapping[str, str], notes: list[str]) -> list[str]:
    """The handover targets a build's name lists (a build duvoform made), as manifest names."""
    listed = parse_handover(build.name)
    if not listed:
        return []
    known = set(names.values())
    missing = sorted(set(listed) - known)
    if missing:
        notes.append(
            "handover targets that are not imported under that name were left out: "
            + ", ".join(quote(name) for name in missing)
        )
    return sorted(set(listed) & known)


def _digest_note(build: Build, data: dict[str, Any]) -> list[str]:
    """A note when the live build was made by duvoform from a manifest that said more than
    can be read back: the digest in its name then differs from the imported manifest's."""
    digest = parse_digest(build.name)
    if digest is None:
        return []
    try:
        spec = BuildSpec.model_validate(data)
    except ValidationError:
        return []  # the document itself is refused later, with the reasons
    if build_digest(spec) == digest:
        return []
    return [
        "the live build was made by duvoform from a manifest that said more than the API "
        "gives back (handover_to, or connections that are not pinned to it for you); until "
        "the manifest says it again, plan proposes a new build"
    ]


def _labels(build: Build, out: dict[str, Any]) -> None:
    if build.revision_name is not None:
        out["revision_name"] = build.revision_name
    if build.revision_description is not None:
        out["revision_description"] = build.revision_description
