"""The markdown rendering of a drift report: the body of the drift issue a scheduled CI job
keeps open (GitHub or GitLab flavoured markdown).

Layout: a hidden marker (``MARKER``), a title, the summary sentence and a table of counts per
cause, then one section per cause, most important first (changed outside git, missing,
differs, pending), each entry a collapsible ``<details>`` block with a table of fields
(live -> manifests) and SOPs as ```` ```diff ```` blocks; last, the unmanaged objects.

Size: a GitHub issue body holds at most 65,536 characters. ``render_drift_markdown`` adds whole
blocks while they fit in ``max_chars`` (an entry too big with its diffs is shown without them;
a block is never cut, so every ``<details>`` and fence is closed) and ends with a notice saying
how many entries were left out. Every name and value is escaped as in the plan comment
(``duvoform.render.mdtext``), and secrets are shown as references only.
"""

from __future__ import annotations

from duvoform.engine.drift import Cause, DriftEntry, DriftReport
from duvoform.engine.plan import FieldChange
from duvoform.render.drift_text import CAUSE_LABELS, CAUSE_SYMBOLS, summary_line
from duvoform.render.mdtext import code, escape, fenced_diff
from duvoform.render.textdiff import is_text_change
from duvoform.render.values import format_value, shown_fields

__all__ = ["DEFAULT_MAX_CHARS", "GITHUB_ISSUE_LIMIT", "MARKER", "render_drift_markdown"]

MARKER = "<!-- duvoform-drift -->"
GITHUB_ISSUE_LIMIT = 65_536
DEFAULT_MAX_CHARS = 64_000
"""A little under GitHub's limit, so a CI job can add a line (the run's link) below."""
MAX_DIFF_LINES = 200
_UNMANAGED_SHOWN = 100
_TITLES: dict[Cause, str] = {
    Cause.CHANGED_OUTSIDE: "Changed outside git",
    Cause.MISSING: "Missing",
    Cause.DIFFERS: "Differs",
    Cause.PENDING: "Pending (an apply is due)",
}
_EXPLAINED: dict[Cause, str] = {
    Cause.CHANGED_OUTSIDE: "Someone changed these by hand: the live build was not made by "
    "duvoform, was promoted by hand, or no longer matches its digest. Put the change in git, or "
    "apply to undo it.",
    Cause.MISSING: "Declared in the manifests, not live (deleted by hand, or never applied).",
    Cause.DIFFERS: "A field differs and who changed it cannot be told.",
    Cause.PENDING: "Live is what duvoform last applied; the manifests changed since.",
}


def render_drift_markdown(
    report: DriftReport,
    *,
    title: str = "duvoform drift",
    max_chars: int = DEFAULT_MAX_CHARS,
    fail_on_unmanaged: bool = False,
) -> str:
    """The report as markdown of at most ``max_chars`` characters (see the module docstring).

    The marker, title, counts and the closing notice are always kept, so a ``max_chars``
    smaller than those alone is exceeded.
    """
    head = _head(report, title, fail_on_unmanaged=fail_on_unmanaged)
    tail = _unmanaged(report)
    total = len(report.entries)
    room = max_chars - len(head)
    if len(tail) <= room // 2:
        room -= len(tail)
    else:
        tail = _unmanaged(report, shown=0)
        room -= len(tail)
    blocks: list[str] = []
    for heading, entry in _in_order(report):
        block = heading + _block(entry, diffs=True)
        if len(block) > room:
            block = heading + _block(entry, diffs=False)
        if len(block) > room:
            break
        blocks.append(block)
        room -= len(block)
    if len(blocks) < total:
        while blocks and len(_notice(total - len(blocks), total)) > room:
            room += len(blocks.pop())
        blocks.append(_notice(total - len(blocks), total))
    return head + "".join(blocks) + tail


def _head(report: DriftReport, title: str, *, fail_on_unmanaged: bool) -> str:
    line = summary_line(report, fail_on_unmanaged=fail_on_unmanaged)
    parts = [MARKER, f"## {escape(title)}", f"**{escape(line)}**"]
    counts = report.summary()
    rows = ["| Cause | Objects |", "| --- | ---: |"]
    for cause in _TITLES:
        rows.append(f"| {code(CAUSE_SYMBOLS[cause])} {_TITLES[cause]} | {counts[cause.value]:,} |")
    rows.append(f"| unmanaged | {counts['unmanaged']:,} |")
    rows.append(f"| in sync | {counts['in_sync']:,} |")
    parts.append("\n".join(rows))
    parts += [f"> :warning: **Warning:** {escape(w)}" for w in report.warnings[:20]]
    return "\n\n".join(parts) + "\n"


def _in_order(report: DriftReport) -> list[tuple[str, DriftEntry]]:
    out: list[tuple[str, DriftEntry]] = []
    for cause in _TITLES:
        group = [e for e in report.entries if e.cause is cause]
        for index, entry in enumerate(group):
            heading = ""
            if index == 0:
                heading = f"\n### {_TITLES[cause]} ({len(group)})\n\n{_EXPLAINED[cause]}\n"
            out.append((heading, entry))
    return out


def _block(entry: DriftEntry, *, diffs: bool) -> str:
    opened = " open" if entry.cause is Cause.CHANGED_OUTSIDE else ""
    summary = (
        f"{code(CAUSE_SYMBOLS[entry.cause])} {code(entry.address)} "
        f"{escape(CAUSE_LABELS[entry.cause])}"
    )
    parts = [f"<details{opened}><summary>{summary}</summary>"]
    if entry.reasons:
        parts.append("\n".join(f"- {escape(reason)}" for reason in entry.reasons))
    fields = [shown for field in entry.fields for shown in shown_fields(field)]
    plain = [f for f in fields if not is_text_change(f)]
    if plain:
        rows = ["| Field | Live | Manifests |", "| --- | --- | --- |"]
        for f in plain:
            live, desired = format_value(f.before), format_value(f.after)
            rows.append(f"| {code(f.path)} | {code(live)} | {code(desired)} |")
        parts.append("\n".join(rows))
    parts += [_diff(f, diffs=diffs) for f in fields if is_text_change(f)]
    parts.append("</details>")
    return "\n" + "\n\n".join(parts) + "\n"


def _diff(field: FieldChange, *, diffs: bool) -> str:
    label = f"Diff of {code(field.path)} (- live, + manifests)"
    return fenced_diff(field, label, diffs=diffs, max_lines=MAX_DIFF_LINES, where="issue")


def _unmanaged(report: DriftReport, *, shown: int = _UNMANAGED_SHOWN) -> str:
    if not report.unmanaged:
        return ""
    count = len(report.unmanaged)
    lines = [f"\n### Unmanaged ({count:,})\n", "Live, in no manifest (not counted as drift).\n"]
    lines += [f"- {code(u.address)}" for u in report.unmanaged[:shown]]
    if count > shown:
        lines.append(f"- ... and {count - shown:,} more (see `duvoform drift --format json`)")
    return "\n".join(lines) + "\n"


def _notice(left_out: int, total: int) -> str:
    return (
        f"\n> :scissors: **{left_out:,} of {total:,} drift entries are not shown** to keep this "
        "under the size of an issue. Run `duvoform drift` for all of them.\n"
    )
