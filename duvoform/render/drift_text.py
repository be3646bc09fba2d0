"""The terminal rendering of a drift report (``duvoform drift``, the default format).

One block per entry, most important cause first, then the unmanaged objects and one summary
line::

    ! Assignment/Invoice triage changed outside git
        the live build 3f... was not made by duvoform (its name has no digest)
        build.sop:
          @@ -1,2 +1,2 @@
          -Triage every invoice by hand.
          +Triage every invoice.

Values read ``live -> manifests``; in a line diff ``-`` is live and ``+`` the manifests.
Secrets are shown as references only, and every outside string goes through ``printable``.
"""

from __future__ import annotations

from rich.text import Text

from duvoform.engine.drift import Cause, DriftEntry, DriftReport
from duvoform.engine.plan import FieldChange
from duvoform.render.textdiff import append_line_diff, is_text_change
from duvoform.render.values import format_value, printable, shown_fields

__all__ = [
    "CAUSE_LABELS",
    "CAUSE_SYMBOLS",
    "render_drift",
    "render_drift_plain",
    "summary_line",
]

CAUSE_SYMBOLS: dict[Cause, str] = {
    Cause.CHANGED_OUTSIDE: "!",
    Cause.MISSING: "-",
    Cause.DIFFERS: "~",
    Cause.PENDING: ">",
}
CAUSE_LABELS: dict[Cause, str] = {
    Cause.CHANGED_OUTSIDE: "changed outside git",
    Cause.MISSING: "missing (declared, not live)",
    Cause.DIFFERS: "differs",
    Cause.PENDING: "pending (an apply is due)",
}
_STYLES: dict[Cause, str] = {
    Cause.CHANGED_OUTSIDE: "magenta",
    Cause.MISSING: "red",
    Cause.DIFFERS: "yellow",
    Cause.PENDING: "cyan",
}
_INDENT = "    "
_UNMANAGED_SHOWN = 50


def summary_line(report: DriftReport, *, fail_on_unmanaged: bool = False) -> str:
    """``No drift ...`` or ``Drift: N objects differ ...``, with the unmanaged count."""
    counts = report.summary()
    unmanaged = counts["unmanaged"]
    tail = f"; {unmanaged} live object{'s' if unmanaged != 1 else ''} in no manifest"
    tail = tail if unmanaged else ""
    if not report.has_drift(fail_on_unmanaged=fail_on_unmanaged):
        return f"No drift: live state matches the manifests ({counts['in_sync']} in sync){tail}."
    objects = len({entry.address for entry in report.entries})
    parts = ", ".join(f"{counts[cause.value]} {cause.value}" for cause in CAUSE_LABELS)
    return (
        f"Drift: {objects} object{'s' if objects != 1 else ''} differ"
        f"{'s' if objects == 1 else ''} from the manifests ({parts}; "
        f"{counts['in_sync']} in sync){tail}."
    )


def render_drift(report: DriftReport, *, fail_on_unmanaged: bool = False) -> Text:
    """The report as styled text for a rich console."""
    out = Text()
    if report.entries:
        out.append("Values read live -> manifests; in a diff, - is live and + the manifests.\n\n")
    for entry in report.entries:
        _entry(out, entry)
        out.append("\n")
    if report.unmanaged:
        out.append("Unmanaged (live, in no manifest):\n")
        for item in report.unmanaged[:_UNMANAGED_SHOWN]:
            out.append(f"  ? {printable(item.address)} ({printable(item.live_id)})\n")
        if len(report.unmanaged) > _UNMANAGED_SHOWN:
            out.append(f"  ... and {len(report.unmanaged) - _UNMANAGED_SHOWN} more\n")
        out.append("\n")
    for warning in report.warnings:
        out.append(f"Warning: {printable(warning)}\n", style="yellow")
    out.append(summary_line(report, fail_on_unmanaged=fail_on_unmanaged))
    return out


def render_drift_plain(report: DriftReport, *, fail_on_unmanaged: bool = False) -> str:
    """The same rendering as plain text with a final newline: for files and logs."""
    return render_drift(report, fail_on_unmanaged=fail_on_unmanaged).plain + "\n"


def _entry(out: Text, entry: DriftEntry) -> None:
    style = _STYLES[entry.cause]
    out.append(f"{CAUSE_SYMBOLS[entry.cause]} {printable(entry.address)}", style=style)
    out.append(f" {CAUSE_LABELS[entry.cause]}\n")
    for reason in entry.reasons:
        out.append(f"{_INDENT}{printable(reason)}\n")
    for field in entry.fields:
        for shown in shown_fields(field):
            _field(out, shown)


def _field(out: Text, safe: FieldChange) -> None:
    path = printable(safe.path)
    if is_text_change(safe):
        append_line_diff(out, safe, _INDENT)
        return
    out.append(f"{_INDENT}{path}: {format_value(safe.before)} -> {format_value(safe.after)}\n")
