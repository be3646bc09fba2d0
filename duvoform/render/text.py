"""The terminal rendering of a plan, in the manner of Terraform's plan output.

One block per change, deletes first (``Plan.by_action``)::

    ~ Assignment/Invoice triage will be updated in place
        name: "Invoice bot" -> "Invoice triage"

A symbol and a colour per action: ``+`` create (green), ``~`` update (yellow), ``±`` build
(cyan; the assignment stays and a new immutable build replaces the live one, which is neither an
in-place update nor a replacement), ``-`` delete (red), ``!`` authorize (magenta). Long text such
as an SOP is shown as a line diff with three lines of context. Warnings come after the changes,
right above the final summary line, where a reader's eye lands.

Only colours are used, never bold or dim: a console without colour (not a TTY, ``--no-color``,
``NO_COLOR``) then prints plain text with no escape codes at all. Every string is appended as
plain ``Text``, never parsed as rich markup, so a name like ``[bold]`` prints as itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from duvoform.engine.plan import Action, Change, FieldChange, Plan
from duvoform.render.textdiff import append_line_diff, is_text_change
from duvoform.render.values import (
    ACTION_LABELS,
    ACTION_SYMBOLS,
    format_value,
    printable,
    shown_fields,
    summary_sentence,
)

__all__ = ["ACTION_STYLES", "render_plan", "render_plan_plain"]

ACTION_STYLES: dict[Action, str] = {
    Action.CREATE: "green",
    Action.UPDATE: "yellow",
    Action.BUILD: "cyan",
    Action.DELETE: "red",
    Action.AUTHORIZE: "magenta",
}

_WARNING_STYLE = "yellow"
_FIELD_INDENT = "    "


def render_plan(plan: Plan, *, verbose: bool = False) -> Text:
    """The plan as styled text for a rich console (which adds the final newline when printing).

    ``verbose`` adds each change's live id, the requests it will make and what it depends on.
    """
    out = Text()
    if plan.has_changes:
        _legend(out, plan)
        for _action, changes in plan.by_action():
            for change in changes:
                _change(out, change, verbose=verbose)
                out.append("\n")
    for note in plan.notes:
        _multiline(out, "Note: ", note, "")
    for warning in plan.warnings:
        _multiline(out, "Warning: ", warning, _WARNING_STYLE)
    if plan.notes or plan.warnings:
        out.append("\n")
    out.append(summary_sentence(plan))
    return out


def render_plan_plain(plan: Plan, *, verbose: bool = False) -> str:
    """The same rendering as plain text with no styles and a final newline: for files and logs."""
    return render_plan(plan, verbose=verbose).plain + "\n"


def _legend(out: Text, plan: Plan) -> None:
    out.append("duvoform will perform the following actions:\n")
    for action, _changes in plan.by_action():
        out.append("  ")
        out.append(ACTION_SYMBOLS[action], style=ACTION_STYLES[action])
        out.append(f" {action.value}\n")
    out.append("\n")


def _change(out: Text, change: Change, *, verbose: bool) -> None:
    style = ACTION_STYLES[change.action]
    out.append(f"{ACTION_SYMBOLS[change.action]} ", style=style)
    out.append(printable(change.address), style=style)
    out.append(f" {ACTION_LABELS[change.action]}\n")
    for field in change.fields:
        for shown in shown_fields(field, change.action):
            _field(out, shown, change.action)
    for note in change.notes:
        _multiline(out, f"{_FIELD_INDENT}note: ", note, "")
    if verbose:
        _details(out, change)


def _field(out: Text, safe: FieldChange, action: Action) -> None:
    """One field line, or a line diff; ``safe`` has been through ``shown_fields``."""
    path = printable(safe.path)
    if is_text_change(safe):
        append_line_diff(out, safe, _FIELD_INDENT)
        return
    out.append(f"{_FIELD_INDENT}{path}: ")
    if action is Action.CREATE and safe.before is None:
        out.append(format_value(safe.after))
    elif action is Action.DELETE and safe.after is None:
        out.append(format_value(safe.before))
    else:
        out.append(format_value(safe.before))
        out.append(" -> ")
        out.append(format_value(safe.after))
    out.append("\n")


def _details(out: Text, change: Change) -> None:
    if change.live_id:
        out.append(f"{_FIELD_INDENT}id: {printable(change.live_id)}\n")
    if change.requests:
        calls = ", ".join(printable(f"{r.method} {r.path}") for r in change.requests)
        out.append(f"{_FIELD_INDENT}requests: {calls}\n")
    if change.depends_on:
        out.append(f"{_FIELD_INDENT}depends on: {_joined(change.depends_on)}\n")


def _joined(items: Iterable[str]) -> str:
    return ", ".join(printable(item) for item in items)


def _multiline(out: Text, label: str, message: str, style: str) -> None:
    """``label`` and ``message``; further lines of the message indented under the first."""
    lines = message.splitlines() or [""]
    pad = " " * len(label)
    for index, line in enumerate(lines):
        out.append(label if index == 0 else pad, style=style)
        out.append(printable(line), style=style)
        out.append("\n")
