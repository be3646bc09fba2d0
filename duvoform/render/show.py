"""``show``'s three renderings of one live object: text, JSON and a manifest document (YAML).

- the object's facts (``duvoform.lookup.facts``) are plain JSON data;
- ``render_show_text``: those facts for a person, with the SOP in full and, when manifests
  were given, the plan's own rendering of how the object differs from its manifest;
- ``render_show_json``: ``{"format_version": 1, "kind", "object", "manifest", "diff"}``, one
  document (``diff`` is the ``plan --format json`` contract narrowed to this object, or null);
- ``render_show_yaml``: the manifest document ``import`` would write (SOP inline), ready to
  paste into a repository.

Secret header values are never in any of them: the API does not return them, and a header the
API reports with a blank value is shown as ``secret (set)``. Every string from the API goes
through ``printable`` before it reaches a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text

from duvoform.api.models import Schedule
from duvoform.kinds.assignment.mapping import schedule_comments
from duvoform.kinds.document import Document, Skipped
from duvoform.lookup.compare import Comparison
from duvoform.manifest.yamlout import render_documents
from duvoform.render.text import render_plan
from duvoform.render.values import format_value, printable

__all__ = [
    "SHOW_FORMAT_VERSION",
    "render_show_json",
    "render_show_text",
    "render_show_yaml",
]

SHOW_FORMAT_VERSION = 1


# -- renderings ----------------------------------------------------------------------------


def render_show_yaml(document: Document) -> str:
    """The manifest document (with its comments), as ``import`` writes it (SOP inline)."""
    return render_documents([document])


def render_show_json(
    kind: str,
    facts: Mapping[str, Any],
    document: Document | Skipped,
    comparison: Comparison | None,
) -> str:
    """One JSON document: the facts, the manifest mapping (null when the object cannot be
    written as a manifest; ``manifest_notes`` says why), and the diff (or null)."""
    doc = {
        "format_version": SHOW_FORMAT_VERSION,
        "kind": kind,
        "object": dict(facts),
        "manifest": document.data if isinstance(document, Document) else None,
        "manifest_notes": _notes(document),
        "diff": None,
    }
    if comparison is not None:
        diff = comparison.plan.to_json()
        diff["address"] = comparison.address
        doc["diff"] = diff
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_show_text(
    kind: str,
    facts: Mapping[str, Any],
    document: Document | Skipped,
    comparison: Comparison | None,
) -> Text:
    """The object for a person, then the manifest notes, then the diff when there is one."""
    out = Text()
    out.append(f"{kind} {format_value(facts['name'], None)}\n")
    if kind == "Assignment":
        _assignment_text(out, facts)
    elif kind == "Connection":
        _connection_text(out, facts)
    else:
        _folder_text(out, facts)
    notes = _notes(document)
    if notes:
        out.append("\nWhat a manifest cannot say about it:\n")
        for note in notes:
            _line(out, "  - ", note)
    if comparison is not None:
        out.append("\n")
        if comparison.address is None:
            out.append("No manifest in the given paths describes it.\n")
        else:
            out.append(f"Compared with the manifest {printable(comparison.address)}:\n")
            out.append_text(render_plan(comparison.plan))
            out.append("\n")
    return out


def _notes(document: Document | Skipped) -> list[str]:
    """The manifest notes without their address prefix (the object is the subject)."""
    if isinstance(document, Skipped):
        return [f"it cannot be written as a manifest: {document.reason}"]
    prefix = f"{document.address}: "
    return [note.removeprefix(prefix) for note in document.notes]


def _line(out: Text, label: str, value: Any) -> None:
    text = value if isinstance(value, str) else format_value(value, None)
    out.append(f"{label}{printable(text)}\n")


def _names(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "-"


def _assignment_text(out: Text, facts: Mapping[str, Any]) -> None:
    _line(out, "  id: ", facts["id"])
    _line(out, "  folder: ", facts["folder"] or "(root)")
    on = [
        flag.removesuffix("_enabled").replace("_", " ") for flag, v in facts["flags"].items() if v
    ]
    _line(out, "  enabled: ", _names(on))
    build = facts["live_build"]
    if build is None:
        out.append("  live build: none\n")
    else:
        _build_text(out, build)
    out.append(f"  builds ({facts['builds_total']}, newest first):\n")
    for item in facts["history"]:
        label = item["revision_name"] or item["name"] or ""
        who = f" by {item['created_by']}" if item["created_by"] else ""
        number = f"#{item['number']:g}" if isinstance(item["number"], int | float) else "#?"
        _line(out, "    ", f"{number} {item['status'] or '-'} {label} ({item['created_at']}{who})")
    if facts["builds_total"] > len(facts["history"]):
        out.append(f"    ... and {facts['builds_total'] - len(facts['history'])} older\n")
    out.append("  integration slots:" + ("\n" if facts["slots"] else " none\n"))
    for slot in facts["slots"]:
        label = slot["name"] or slot["type"] or slot["integration"] or slot["slot_id"]
        pins = [p["name"] or p["id"] for p in slot["pinned"]]
        how = " (inferred)" if slot["pins_known_by"] == "inferred" else ""
        state = f"pinned: {_names(pins)}{how}" if pins else "no connection of yours pinned"
        _line(out, "    ", f"{label}: {state}")
    out.append("  schedules:" + ("\n" if facts["schedules"] else " none\n"))
    for line in schedule_comments([Schedule.model_validate(s) for s in facts["schedules"]])[1:]:
        _line(out, "  ", line)


def _build_text(out: Text, build: Mapping[str, Any]) -> None:
    number = f"#{build['number']:g} " if isinstance(build["number"], int | float) else ""
    _line(out, "  live build: ", f"{number}{build['name'] or ''} ({build['id']})")
    for key in ("revision_name", "revision_description", "created_at", "created_by"):
        if build.get(key):
            _line(out, f"    {key.replace('_', ' ')}: ", build[key])
    _line(out, "    config: ", build.get("config_version") or "unknown")
    if build.get("model") is not None:
        _line(out, "    model: ", build["model"])
    browsing = build.get("browsing")
    if browsing:
        _line(out, "    browsing: ", f"{browsing['provider']} {browsing['model']}")
    for key in ("skills", "files", "plugins"):
        if key in build:
            _line(out, f"    {key}: ", _names(build[key]))
    if "sub_agents" in build:
        subs = [f"{s['name'] or '(unknown name)'} ({s['id']})" for s in build["sub_agents"]]
        _line(out, "    sub-agents: ", _names(subs))
    if "handover_to" in build:
        handover = build["handover_to"]
        if handover is None:
            out.append("    handover targets: not readable from the API\n")
        else:
            _line(out, "    handover targets: ", _names(handover) if handover else "none")
    if build.get("options"):
        _line(out, "    options: ", build["options"])
    if build.get("legacy_settings"):
        _line(out, "    legacy settings: ", build["legacy_settings"])
    sop = build.get("sop")
    if sop is not None:
        lines = sop.splitlines() or [""]
        out.append(f"    SOP ({len(lines)} line{'s' if len(lines) != 1 else ''}):\n")
        for text in lines:
            _line(out, "      | ", text)


def _connection_text(out: Text, facts: Mapping[str, Any]) -> None:
    for key in ("id", "type", "provider", "server_url", "transport_type", "auth_method"):
        if facts.get(key) is not None:
            _line(out, f"  {key.replace('_', ' ')}: ", facts[key])
    _line(out, "  shared: ", "yes" if facts["shared"] else "no")
    if facts.get("oauth_provider"):
        scopes = f" ({', '.join(facts['oauth_scopes'])})" if facts["oauth_scopes"] else ""
        _line(out, "  oauth: ", f"{facts['oauth_provider']}{scopes}")
    for key in ("owner", "created_at", "updated_at", "broken_at", "broken_reason"):
        if facts.get(key):
            _line(out, f"  {key.replace('_', ' ')}: ", facts[key])
    out.append("  headers:" + ("\n" if facts["headers"] else " none\n"))
    for header in facts["headers"]:
        if header["type"] == "secret":
            state = f"secret ({header['state']})"
        elif header["state"] == "unset":
            state = "plaintext (unset)"
        else:
            state = f"plaintext {format_value(header['value'])}"
        _line(out, "    ", f"{header['name']}: {state}")


def _folder_text(out: Text, facts: Mapping[str, Any]) -> None:
    _line(out, "  id: ", facts["id"])
    _line(out, "  path: ", facts["path"])
    _line(out, "  parent: ", facts["parent"] or "(root)")
    subfolders = facts["subfolders"]
    out.append(f"  subfolders ({len(subfolders)}):" + ("\n" if subfolders else " none\n"))
    for child in subfolders:
        _line(out, "    ", f"{child['name']} ({child['id']})")
    assignments = facts["assignments"]
    out.append(f"  assignments ({len(assignments)}):" + ("\n" if assignments else " none\n"))
    for agent in assignments:
        _line(out, "    ", f"{agent['name']} ({agent['id']})")
