"""The rendering of an ``ApplyReport``: text for people, JSON for machines.

Text, for a terminal or a CI log (colours only where the console has them)::

    Failed:
      x Assignment/Invoice triage (build.create): POST /v1/agents/.../revisions returned 400
    Skipped:
      - Assignment/Escalations (build.wire): needs Assignment/Invoice triage, which failed
    Pending authorization:
      ! Connection/AP inbox: needs a person to authorize it (native OAuth): run duvoform ...
    Done:
      + Folder/Finance (folder.create)
    Notes:
      Folder/Finance: the create of folder 'Finance' got no clear answer (...); found it ...

    Apply failed: 11 done, 1 failed, 1 skipped, 1 pending authorization (48 requests, 2.3 s).

Problems come first, where a reader looks; the list of done steps is cut to ``DONE_LIMIT``
lines unless ``verbose``. JSON is ``ApplyReport.to_json()``, one document. Neither can hold a
secret: the report only knows steps by address and errors by the API's own words.
"""

from __future__ import annotations

from rich.text import Text

from duvoform.apply.report import ApplyReport, StepResult
from duvoform.render.jsondoc import json_document
from duvoform.render.values import printable

__all__ = [
    "DONE_LIMIT",
    "render_report",
    "render_report_json",
    "render_report_plain",
    "report_sentence",
]

DONE_LIMIT = 30
_INDENT = "  "


def report_sentence(report: ApplyReport) -> str:
    """The one-line summary: ``Apply complete: 12 done, ... (40 requests, 2.1 s).``"""
    counts = report.counts()
    parts = [f"{counts['done']} done", f"{counts['failed']} failed"]
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} skipped")
    if counts["pending"]:
        parts.append(f"{counts['pending']} pending authorization")
    if not report.results:
        head = "Apply complete: nothing to do"
        return f"{head} ({report.requests} requests, {report.seconds:.1f} s)."
    head = "Apply complete" if report.ok else "Apply failed"
    return (
        f"{head}: {', '.join(parts)} "
        f"({report.requests} request{'s' if report.requests != 1 else ''}, "
        f"{report.seconds:.1f} s)."
    )


def render_report(report: ApplyReport, *, verbose: bool = False) -> Text:
    """The report as styled text (the console adds the final newline)."""
    out = Text()
    _section(out, "Failed:", "x", "red", report.failed, show_message=True)
    _section(out, "Skipped:", "-", "yellow", report.skipped, show_message=True)
    _section(out, "Pending authorization:", "!", "magenta", report.pending, show_message=True)
    done = report.done
    shown = done if verbose else done[:DONE_LIMIT]
    _section(out, "Done:", "+", "green", shown, show_message=False)
    if len(shown) < len(done):
        out.append(f"{_INDENT}... and {len(done) - len(shown)} more (-v shows all)\n")
    notes = [(r.address, note) for r in report.results for note in r.notes]
    if notes:
        out.append("Notes:\n")
        for address, note in notes:
            out.append(f"{_INDENT}{printable(address)}: {printable(note)}\n")
    if out.plain:
        out.append("\n")
    out.append(report_sentence(report), style="green" if report.ok else "red")
    return out


def render_report_plain(report: ApplyReport, *, verbose: bool = False) -> str:
    """The same as plain text with a final newline (for files and logs)."""
    return render_report(report, verbose=verbose).plain + "\n"


def render_report_json(report: ApplyReport) -> str:
    """The report as one JSON document (2-space indent, trailing newline)."""
    return json_document(report.to_json())


def _section(
    out: Text,
    title: str,
    symbol: str,
    style: str,
    results: tuple[StepResult, ...],
    *,
    show_message: bool,
) -> None:
    if not results:
        return
    out.append(f"{title}\n")
    for result in results:
        out.append(f"{_INDENT}{symbol} ", style=style)
        out.append(printable(result.address), style=style)
        out.append(f" ({result.op.value})")
        if show_message and result.message:
            lines = result.message.splitlines() or [""]
            out.append(f": {printable(lines[0])}")
            for line in lines[1:]:
                out.append(f"\n{_INDENT}    {printable(line)}")
        out.append("\n")
