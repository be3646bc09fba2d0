"""The pull-request comment rendering of a plan (GitHub / GitLab flavoured markdown).

Layout: a hidden marker (``MARKER``) so a CI job can find and update one sticky comment; a
title; the summary sentence and a table of counts per action; a call-out when anything is
deleted; the plan's warnings and notes; a mermaid picture of the changes (``plan_picture``), when
given the team's picture; then one collapsible ``<details>`` block per change,
deletes first (open by default), with a table of field changes and long text (SOPs) as
```` ```diff ```` blocks.

Every name and value is escaped as HTML character references (``duvoform.render.mdtext``).
Secret header values are replaced as in every renderer.

Size: GitHub refuses comments over 65,536 characters. ``render_plan`` adds whole change blocks
while they fit in ``max_chars`` (a block is never cut, so every ``<details>`` and code fence
is closed), shows a change whose diffs alone are too big without them, and ends with a notice
that says how many changes were left out and where the full plan is.
"""

from __future__ import annotations

from collections.abc import Iterable

from duvoform.engine.plan import Action, Change, FieldChange, Plan
from duvoform.render.mdtext import code, escape, fenced_diff
from duvoform.render.picture import Picture
from duvoform.render.plan_picture import picture_section
from duvoform.render.textdiff import is_text_change
from duvoform.render.values import (
    ACTION_LABELS,
    ACTION_SYMBOLS,
    format_value,
    shown_fields,
    summary_sentence,
)

__all__ = ["DEFAULT_MAX_CHARS", "MARKER", "escape", "render_plan"]

MARKER = "<!-- duvoform-plan -->"
DEFAULT_MAX_CHARS = 65_000
DEFAULT_TITLE = "duvoform plan"
MAX_DIFF_LINES = 200
"""Lines of one field's diff shown in a comment; the full plan keeps them all."""

_LISTED_DELETES = 20
_GROUP_TITLES = {
    Action.DELETE: "Deletes",
    Action.CREATE: "Creates",
    Action.UPDATE: "Updates",
    Action.BUILD: "New builds",
    Action.AUTHORIZE: "Needs authorization",
}


def render_plan(
    plan: Plan,
    *,
    title: str | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    verbose: bool = False,
    picture: Picture | None = None,
) -> str:
    """The plan as a markdown comment of at most ``max_chars`` characters.

    Warnings and notes take at most half of ``max_chars``; the rest of the header (marker,
    title, counts, delete call-out) and the truncation notice are never left out, so a
    ``max_chars`` smaller than those alone is exceeded.
    ``verbose`` adds each change's requests and dependencies. ``picture`` (the team, marked
    with the plan's actions) adds a mermaid picture of the changed objects and their
    neighbours below the header, in at most a quarter of ``max_chars``.
    """
    head = _head(plan, title, room=max_chars // 2)
    if not plan.has_changes:
        return head
    total = len(plan.changes)
    if picture is not None:
        left = max_chars - len(head) - len(_notice(total, total, max_chars))
        head += picture_section(picture, room=min(max_chars // 4, left))
    room = max_chars - len(head)
    shown: list[str] = []
    for heading, change in _in_reading_order(plan):
        block = heading + _block(change, verbose=verbose, diffs=True)
        if len(block) > room:
            block = heading + _block(change, verbose=verbose, diffs=False)
        if len(block) > room:
            break
        shown.append(block)
        room -= len(block)
    if len(shown) == total:
        return head + "".join(shown)
    # Make room for the notice by dropping whole blocks from the end.
    while shown and len(_notice(total - len(shown), total, max_chars)) > room:
        room += len(shown.pop())
    return head + "".join(shown) + _notice(total - len(shown), total, max_chars)


def _in_reading_order(plan: Plan) -> Iterable[tuple[str, Change]]:
    """Each change, deletes first; the first of each group carries the group's heading."""
    for action, changes in plan.by_action():
        for index, change in enumerate(changes):
            heading = f"\n### {_GROUP_TITLES[action]} ({len(changes)})\n" if index == 0 else ""
            yield heading, change


def _head(plan: Plan, title: str | None, *, room: int) -> str:
    """Everything above the change blocks; warnings and notes take at most ``room``."""
    parts = [MARKER, f"## {escape(title or DEFAULT_TITLE)}", f"**{summary_sentence(plan)}**"]
    if plan.has_changes:
        parts.append(_counts_table(plan))
    deletes = [c for c in plan.changes if c.action is Action.DELETE]
    if deletes:
        parts.append(_delete_callout(deletes))
    messages = [(":warning: **Warning:**", warning) for warning in plan.warnings]
    messages += [("**Note:**", note) for note in plan.notes]
    for index, (label, message) in enumerate(messages):
        quote = _quote(label, message)
        if len(quote) + 2 > room:
            left = len(messages) - index
            parts.append(
                f"> :warning: **{left:,} more warnings and notes are not shown here;** "
                "see the full plan."
            )
            break
        parts.append(quote)
        room -= len(quote) + 2
    return "\n\n".join(parts) + "\n"


def _counts_table(plan: Plan) -> str:
    counts = plan.summary()
    rows = ["| Action | Count |", "| --- | ---: |"]
    for action in (Action.DELETE, Action.CREATE, Action.UPDATE, Action.BUILD, Action.AUTHORIZE):
        symbol = escape(ACTION_SYMBOLS[action])
        rows.append(f"| <code>{symbol}</code> {action.value} | {counts[action.value]:,} |")
    rows.append(f"| unchanged | {counts['unchanged']:,} |")
    return "\n".join(rows)


def _delete_callout(deletes: list[Change]) -> str:
    count = len(deletes)
    listed = ", ".join(f"<code>{escape(c.address)}</code>" for c in deletes[:_LISTED_DELETES])
    more = f" and {count - _LISTED_DELETES:,} more" if count > _LISTED_DELETES else ""
    noun = "resource" if count == 1 else "resources"
    return f"> :warning: **This plan deletes {count:,} {noun}:** {listed}{more}."


def _quote(label: str, message: str) -> str:
    lines = [escape(line) for line in message.splitlines()] or [""]
    lines[0] = f"{label} {lines[0]}"
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def _block(change: Change, *, verbose: bool, diffs: bool) -> str:
    symbol = escape(ACTION_SYMBOLS[change.action])
    opened = " open" if change.action is Action.DELETE else ""
    summary = (
        f"<code>{symbol}</code> <code>{escape(change.address)}</code> "
        f"{escape(ACTION_LABELS[change.action])}"
    )
    parts = [f"<details{opened}><summary>{summary}</summary>"]
    fields = [shown for field in change.fields for shown in shown_fields(field, change.action)]
    plain = [field for field in fields if not is_text_change(field)]
    if plain:
        parts.append(_fields_table(plain, change.action))
    parts.extend(_text_field(field, diffs=diffs) for field in fields if is_text_change(field))
    items = [f"- **Note:** {escape(note)}" for note in change.notes]
    if verbose:
        items.extend(_details(change))
    if items:
        parts.append("\n".join(items))
    if len(parts) == 1:
        parts.append("No field changes.")
    parts.append("</details>")
    return "\n" + "\n\n".join(parts) + "\n"


def _fields_table(fields: list[FieldChange], action: Action) -> str:
    one_sided = (action is Action.CREATE and all(f.before is None for f in fields)) or (
        action is Action.DELETE and all(f.after is None for f in fields)
    )
    if one_sided:
        rows = ["| Field | Value |", "| --- | --- |"]
        for field in fields:
            value = field.after if action is Action.CREATE else field.before
            rows.append(f"| {code(field.path)} | {code(format_value(value))} |")
        return "\n".join(rows)
    rows = ["| Field | Before | After |", "| --- | --- | --- |"]
    for field in fields:
        before, after = format_value(field.before), format_value(field.after)
        rows.append(f"| {code(field.path)} | {code(before)} | {code(after)} |")
    return "\n".join(rows)


def _text_field(field: FieldChange, *, diffs: bool) -> str:
    label = f"Diff of {code(field.path)}"
    return fenced_diff(field, label, diffs=diffs, max_lines=MAX_DIFF_LINES, where="comment")


def _details(change: Change) -> list[str]:
    items: list[str] = []
    if change.requests:
        calls = ", ".join(code(f"{r.method} {r.path}") for r in change.requests)
        items.append(f"- Requests: {calls}")
    if change.depends_on:
        items.append(f"- Depends on: {', '.join(code(d) for d in change.depends_on)}")
    return items


def _notice(left_out: int, total: int, max_chars: int) -> str:
    return (
        f"\n> :scissors: **{left_out:,} of {total:,} changes are not shown** because a comment "
        f"is limited to {max_chars:,} characters. See the full plan in the CI job summary or "
        "the plan artifact, or run `duvoform plan` locally.\n"
    )
