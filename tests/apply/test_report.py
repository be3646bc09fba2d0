"""ApplyReport and its renderings (``duvoform.render.report``): text and JSON."""

from __future__ import annotations

import json

from duvoform.apply import ApplyReport, StepResult, StepStatus
from duvoform.engine.steps import Op
from duvoform.errors import ServerError
from duvoform.render.report import (
    DONE_LIMIT,
    render_report,
    render_report_json,
    render_report_plain,
    report_sentence,
)


def result(address: str, status: StepStatus, **extra: object) -> StepResult:
    return StepResult(
        step_id=f"{address}#1",
        op=Op.FOLDER_CREATE,
        address=address,
        status=status,
        **extra,  # type: ignore[arg-type]
    )


def sample() -> ApplyReport:
    error = ServerError("POST", "/v1/agent-folders", 503, "unavailable", "try later")
    return ApplyReport(
        results=(
            result("Folder/A", StepStatus.DONE, created={"Folder/A": "id-a"}, notes=("adopted",)),
            result("Folder/B", StepStatus.FAILED, error=error, message=error.message),
            result(
                "Folder/B/C",
                StepStatus.SKIPPED,
                message="needs Folder/B, which failed",
                because="Folder/B#1",
                because_address="Folder/B",
            ),
            result(
                "Connection/AP inbox",
                StepStatus.PENDING,
                message='needs a person to authorize it: run duvoform connect "AP inbox"',
            ),
        ),
        requests=7,
        seconds=1.25,
        plan_digest="ab" * 32,
    )


def test_text_lists_problems_first_then_done_then_notes_and_a_summary() -> None:
    assert render_report_plain(sample()) == (
        "Failed:\n"
        "  x Folder/B (folder.create): POST /v1/agent-folders returned 503 "
        "(unavailable: try later)\n"
        "Skipped:\n"
        "  - Folder/B/C (folder.create): needs Folder/B, which failed\n"
        "Pending authorization:\n"
        "  ! Connection/AP inbox (folder.create): needs a person to authorize it: "
        'run duvoform connect "AP inbox"\n'
        "Done:\n"
        "  + Folder/A (folder.create)\n"
        "Notes:\n"
        "  Folder/A: adopted\n"
        "\n"
        "Apply failed: 1 done, 1 failed, 1 skipped, 1 pending authorization "
        "(7 requests, 1.2 s).\n"
    )


def test_ok_means_no_failure_and_no_skip_for_a_failure() -> None:
    assert not sample().ok
    pending_only = ApplyReport(
        results=(
            result("Connection/X", StepStatus.PENDING, message="authorize"),
            result(
                "Assignment/Y",
                StepStatus.SKIPPED,
                because="Connection/X#1",
                because_address="Connection/X",
                because_pending=True,
            ),
        )
    )
    assert pending_only.ok
    assert report_sentence(pending_only).startswith("Apply complete: 0 done, 0 failed")
    assert report_sentence(ApplyReport()) == "Apply complete: nothing to do (0 requests, 0.0 s)."


def test_a_long_done_list_is_cut_unless_verbose() -> None:
    many = ApplyReport(
        results=tuple(result(f"Folder/F{n:03d}", StepStatus.DONE) for n in range(DONE_LIMIT + 5))
    )
    text = render_report_plain(many)
    assert "F029" in text
    assert "F030" not in text
    assert "... and 5 more (-v shows all)" in text
    assert "F034" in render_report_plain(many, verbose=True)


def test_text_escapes_control_characters_and_is_never_markup() -> None:
    report = ApplyReport(results=(result("Folder/[bold]x\x1b[31m", StepStatus.DONE),))
    plain = render_report(report).plain
    assert "[bold]x" in plain
    assert "\x1b" not in plain


def test_json_is_one_document_with_every_step() -> None:
    doc = json.loads(render_report_json(sample()))
    assert doc["format_version"] == 1
    assert doc["ok"] is False
    assert doc["summary"] == {"done": 1, "failed": 1, "skipped": 1, "pending": 1, "requests": 7}
    assert doc["plan_digest"] == "ab" * 32
    failed = doc["steps"][1]
    assert failed["error"] == {
        "type": "ServerError",
        "message": "POST /v1/agent-folders returned 503 (unavailable: try later)",
        "method": "POST",
        "path": "/v1/agent-folders",
        "status": 503,
        "api_error": "unavailable",
        "api_message": "try later",
    }
    assert doc["steps"][2]["because"] == {
        "step": "Folder/B#1",
        "address": "Folder/B",
        "pending": False,
    }
    assert doc["steps"][0]["created"] == {"Folder/A": "id-a"}
