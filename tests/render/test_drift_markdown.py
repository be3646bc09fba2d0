"""The drift issue body: most important first, bounded, escaped, secrets as references."""

from __future__ import annotations

from duvoform.engine.drift import Cause, DriftEntry, DriftReport, Unmanaged
from duvoform.engine.plan import FieldChange
from duvoform.render.drift_json import render_drift_json
from duvoform.render.drift_markdown import GITHUB_ISSUE_LIMIT, MARKER, render_drift_markdown
from duvoform.render.drift_text import render_drift_plain


def sop_entry(n: int, cause: Cause = Cause.PENDING) -> DriftEntry:
    live = "\n".join(f"step {i} of assignment {n}" for i in range(400))
    return DriftEntry(
        "Assignment", f"Worker {n:04d}", cause, (FieldChange("build.sop", live, live + "\nmore"),)
    )


def test_most_important_first_and_bounded() -> None:
    entries = [sop_entry(n) for n in range(300)]
    entries.insert(0, sop_entry(999, Cause.CHANGED_OUTSIDE))
    unmanaged = tuple(Unmanaged("Assignment", f"Stray {n}", f"id-{n}") for n in range(5000))
    report = DriftReport(entries=tuple(entries), unmanaged=unmanaged, checked=400)
    body = render_drift_markdown(report)
    assert len(body) <= GITHUB_ISSUE_LIMIT
    assert body.startswith(MARKER)
    assert body.index("Changed outside git (1)") < body.index("Pending (an apply is due) (300)")
    assert "drift entries are not shown" in body
    assert body.count("<details") == body.count("</details>")
    assert body.count("```diff") * 2 == body.count("```")
    assert "### Unmanaged (5,000)" in body


def test_hostile_names_are_escaped_and_secrets_never_shown() -> None:
    entry = DriftEntry(
        "Connection",
        "<img src=x> @team",
        Cause.DIFFERS,
        (FieldChange("headers.secret.Authorization", "s3cr3t-live", {"env": "TOKEN"}),),
    )
    report = DriftReport(entries=(entry,), checked=1)
    body = render_drift_markdown(report)
    assert "<img" not in body
    assert "@team" not in body
    for text in (body, render_drift_json(report), render_drift_plain(report)):
        assert "s3cr3t-live" not in text
