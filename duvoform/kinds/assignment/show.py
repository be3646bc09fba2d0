"""``show``'s text for an assignment: the facts of ``facts.py`` beside it, line by line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from duvoform.api.models import Schedule
from duvoform.kinds.assignment.mapping import schedule_comments
from duvoform.kinds.home import ShowWriter

__all__ = ["show_text"]


def names(items: Sequence[str]) -> str:
    """``a, b`` or ``-`` for none."""
    return ", ".join(items) if items else "-"


def show_text(out: ShowWriter, facts: Mapping[str, Any]) -> None:
    """Write one assignment's facts to ``out``."""
    out.line("  id: ", facts["id"])
    out.line("  folder: ", facts["folder"] or "(root)")
    on = [
        flag.removesuffix("_enabled").replace("_", " ") for flag, v in facts["flags"].items() if v
    ]
    out.line("  enabled: ", names(on))
    build = facts["live_build"]
    if build is None:
        out.raw("  live build: none\n")
    else:
        _build_text(out, build)
    out.raw(f"  builds ({facts['builds_total']}, newest first):\n")
    for item in facts["history"]:
        label = item["revision_name"] or item["name"] or ""
        who = f" by {item['created_by']}" if item["created_by"] else ""
        number = f"#{item['number']:g}" if isinstance(item["number"], int | float) else "#?"
        out.line("    ", f"{number} {item['status'] or '-'} {label} ({item['created_at']}{who})")
    if facts["builds_total"] > len(facts["history"]):
        out.raw(f"    ... and {facts['builds_total'] - len(facts['history'])} older\n")
    out.raw("  integration slots:" + ("\n" if facts["slots"] else " none\n"))
    for slot in facts["slots"]:
        label = slot["name"] or slot["type"] or slot["integration"] or slot["slot_id"]
        pins = [p["name"] or p["id"] for p in slot["pinned"]]
        how = " (inferred)" if slot["pins_known_by"] == "inferred" else ""
        state = f"pinned: {names(pins)}{how}" if pins else "no connection of yours pinned"
        out.line("    ", f"{label}: {state}")
    out.raw("  schedules:" + ("\n" if facts["schedules"] else " none\n"))
    for line in schedule_comments([Schedule.model_validate(s) for s in facts["schedules"]])[1:]:
        out.line("  ", line)


def _build_text(out: ShowWriter, build: Mapping[str, Any]) -> None:
    number = f"#{build['number']:g} " if isinstance(build["number"], int | float) else ""
    out.line("  live build: ", f"{number}{build['name'] or ''} ({build['id']})")
    for key in ("revision_name", "revision_description", "created_at", "created_by"):
        if build.get(key):
            out.line(f"    {key.replace('_', ' ')}: ", build[key])
    out.line("    config: ", build.get("config_version") or "unknown")
    if build.get("model") is not None:
        out.line("    model: ", build["model"])
    browsing = build.get("browsing")
    if browsing:
        out.line("    browsing: ", f"{browsing['provider']} {browsing['model']}")
    for key in ("skills", "files", "plugins"):
        if key in build:
            out.line(f"    {key}: ", names(build[key]))
    if "sub_agents" in build:
        subs = [f"{s['name'] or '(unknown name)'} ({s['id']})" for s in build["sub_agents"]]
        out.line("    sub-agents: ", names(subs))
    if "handover_to" in build:
        handover = build["handover_to"]
        if handover is None:
            out.raw("    handover targets: not readable from the API\n")
        else:
            out.line("    handover targets: ", names(handover) if handover else "none")
    if build.get("options"):
        out.line("    options: ", build["options"])
    if build.get("legacy_settings"):
        out.line("    legacy settings: ", build["legacy_settings"])
    sop = build.get("sop")
    if sop is not None:
        lines = sop.splitlines() or [""]
        out.raw(f"    SOP ({len(lines)} line{'s' if len(lines) != 1 else ''}):\n")
        for text in lines:
            out.line("      | ", text)
