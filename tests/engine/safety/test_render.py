"""Deletes come first in the text and markdown renderings, red in text, called out in markdown;
the JSON contract keeps execution order (deletes last) and counts them in its summary."""

from __future__ import annotations

import json
from pathlib import Path

from duvoform.engine.planner import PlanResult
from duvoform.render import render_json, render_markdown, render_text, render_text_plain
from tests.engine.helpers import agent, connection, folder, live_state, plan_for
from tests.engine.safety.helpers import absent_doc, docs, folder_doc, uid


def mixed_plan(root: Path) -> PlanResult:
    """Two deletes (a folder and a connection) among creates and an update."""
    files = {
        "team.yaml": docs(
            folder_doc("Finance"),
            folder_doc("Reports", meta=", previous_names: [Monthly]"),
            absent_doc("Folder", "Sandbox"),
            absent_doc("Connection", "Old CRM"),
            folder_doc("Zeta"),
        )
    }
    live = live_state(
        folders=[folder(uid("s"), "Sandbox"), folder(uid("m"), "Monthly")],
        agents=[agent(uid("a"), "Stray")],
        connections=[connection(uid("c"), "Old CRM")],
    )
    return plan_for(root, files, live)


def test_text_shows_deletes_first_in_red(tmp_path: Path) -> None:
    plan = mixed_plan(tmp_path).plan
    plain = render_text_plain(plan)
    blocks = [line for line in plain.splitlines() if line[:2] in ("- ", "+ ", "~ ")]
    assert blocks == [
        "- Folder/Sandbox will be deleted",
        "- Connection/Old CRM will be deleted",
        "+ Folder/Finance will be created",
        "+ Folder/Zeta will be created",
        "~ Folder/Reports will be updated in place",
    ]
    assert plain.splitlines()[1] == "  - delete"  # the legend starts with deletes too
    text = render_text(plan)
    red = {text.plain[span.start : span.end] for span in text.spans if span.style == "red"}
    assert {"Folder/Sandbox", "Connection/Old CRM"} <= red
    assert not any("Finance" in piece for piece in red)


def test_markdown_calls_deletes_out_and_lists_them_first(tmp_path: Path) -> None:
    comment = render_markdown(mixed_plan(tmp_path).plan)
    callout = (
        "> :warning: **This plan deletes 2 resources:** <code>Folder/Sandbox</code>, "
        "<code>Connection/Old CRM</code>."
    )
    assert callout in comment
    assert comment.index(callout) < comment.index("### Deletes (2)")
    assert comment.index("### Deletes (2)") < comment.index("### Creates (2)")
    assert "<details open><summary><code>-</code> <code>Folder/Sandbox</code>" in comment
    assert "| <code>-</code> delete | 2 |" in comment


def test_json_counts_deletes_and_keeps_execution_order(tmp_path: Path) -> None:
    result = mixed_plan(tmp_path)
    doc = json.loads(render_json(result.plan))
    assert doc["summary"]["delete"] == 2
    actions = [c["action"] for c in doc["changes"]]
    assert actions[-2:] == ["delete", "delete"]  # deletes run last; depends_on says after what
    assert [c["address"] for c in doc["changes"]] == [c.address for c in result.plan.changes]
