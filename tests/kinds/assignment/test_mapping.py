from __future__ import annotations

from typing import Any

import pytest

from duvoform.api.models import Schedule
from duvoform.kinds import Assignment, BuildSpec
from duvoform.kinds.assignment.digest import build_digest, build_name
from duvoform.kinds.assignment.mapping import assignment_document
from duvoform.kinds.assignment.slots import SlotView, WiredSlot
from duvoform.kinds.document import Document, Skipped
from duvoform.kinds.folder.mapping import folder_document, folder_ref
from tests.helpers import BROWSING
from tests.importer.helpers import agent, build, connection, tree, v2

UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def mapped(*args: Any, **kwargs: Any) -> Document:
    kwargs.setdefault("folder", None)
    kwargs.setdefault("agent_names", {})
    result = assignment_document(*args, **kwargs)
    assert isinstance(result, Document), result
    Assignment.model_validate(result.data)
    return result


def test_a_v2_build_maps_to_the_manifest_shape_without_server_fields() -> None:
    live = build(
        v2(
            "claude-sonnet-4-6",
            "Triage.\n",
            skills=["pdf", "ocr", "pdf"],
            files=["f-2", "f-1"],
            plugins=[],
            subAgents=["id-Vendor lookup"],
            options={"browserProvider": "browserbase"},
        ),
        revision_name="Q4 policy",
        revision_description="Why",
        revision_number=3,
        created_at="2026-01-01",
    )
    doc = mapped(
        agent(agentic_memory_enabled=True, slack_enabled=False, team_id="t", created_at="x"),
        live,
        folder="Accounts Payable",
        agent_names={"id-Vendor lookup": "Vendor lookup"},
    )
    assert doc.data == {
        "apiVersion": "duvoform/v1",
        "kind": "Assignment",
        "metadata": {"name": "Invoice triage"},
        "spec": {
            "folder": "Accounts Payable",
            "agentic_memory_enabled": True,
            "build": {
                "model": "claude-sonnet-4-6",
                "browsing": BROWSING,
                "sop": "Triage.\n",
                "skills": ["ocr", "pdf"],
                "files": ["f-1", "f-2"],
                "sub_agents": ["Vendor lookup"],
                "options": {"browserProvider": "browserbase"},
                "revision_name": "Q4 policy",
                "revision_description": "Why",
            },
        },
    }
    assert doc.notes == ()
    assert list(doc.data) == ["apiVersion", "kind", "metadata", "spec"]


def test_pinning_the_id_only_when_asked() -> None:
    doc = mapped(agent(id=UUID), build(), pin_id=True)
    assert doc.data["metadata"] == {"name": "Invoice triage", "id": UUID}


def test_a_legacy_v1_build_maps_to_v2_with_a_note_of_what_is_lost() -> None:
    config = {
        "data": {
            "model": "gpt-4o",
            "input": "Look vendors up.",
            "tools": [{"type": "web"}],
            "files": [],
            "skills": ["erp"],
            "temperature": 0.2,
            "top_p": None,
        }
    }
    doc = mapped(agent("Vendor lookup"), build(config))
    assert doc.data["spec"]["build"] == {
        "model": "gpt-4o",
        "browsing": BROWSING,
        "sop": "Look vendors up.",
        "skills": ["erp"],
    }
    (note,) = doc.notes
    assert note.startswith("Assignment/Vendor lookup: the live build has a legacy v1 config")
    assert note.endswith("left out, as v2 has no place for them: tools, temperature")


def test_structured_sop_messages_keep_their_text_with_a_note() -> None:
    sop = [
        {"role": "system", "content": "Be careful."},
        {"role": "user", "content": [{"type": "input_text", "text": "Invoices."}]},
    ]
    doc = mapped(agent(), build(v2(sop=sop)))
    assert doc.data["spec"]["build"]["sop"] == "Be careful.\n\nInvoices."
    assert "structured messages" in doc.notes[0]


def test_unknown_sub_agents_are_left_out_with_a_note() -> None:
    doc = mapped(agent(), build(v2(subAgents=["id-gone"])), agent_names={})
    assert "sub_agents" not in doc.data["spec"]["build"]
    assert "id-gone" in doc.notes[0]


def test_wiring_gives_connections_and_notes_what_a_manifest_cannot_say() -> None:
    warehouse = connection("Warehouse", custom_integration_id="ci-1")
    pinned = WiredSlot(
        SlotView("s1", "ci-1", "custom_mcp", "Warehouse", True),
        ("c-Warehouse",),
        (warehouse,),
        "inferred",
    )
    empty = WiredSlot(SlotView("s2", "cat", "gmail", "Gmail", False), (), (), "not_connected")
    doc = mapped(agent(), build(), wiring=[pinned, empty])
    assert doc.data["spec"]["build"]["connections"] == ["Warehouse"]
    assert doc.notes == (
        'Assignment/Invoice triage: the integration slot "Gmail" has no connection of yours '
        "pinned, which a manifest cannot say (it lists connections)",
    )
    left_out = mapped(agent(), build(), wiring=[pinned], connection_names={})
    assert "connections" not in left_out.data["spec"]["build"]
    assert "c-Warehouse" in left_out.notes[0]


def test_schedules_become_comments() -> None:
    schedules = [
        Schedule(
            id="s2",
            frequency="weekly",
            day="monday",
            time="08:00",
            timezone="UTC",
            enabled=False,
            user_email="ops@example.com",
            created_at="2",
        ),
        Schedule(
            id="s1",
            frequency="custom",
            cron="0 * * * *",
            timezone="Europe/Prague",
            recurring=False,
            task="Run\x1b now",
            created_at="1",
        ),
    ]
    doc = mapped(agent(), build(), schedules=schedules)
    assert doc.comments == (
        "Schedules (read-only in the Duvo API; duvoform shows them and never changes them):",
        "  - custom cron '0 * * * *' Europe/Prague, enabled, runs once, task \"Run\\x1b now\"",
        "  - weekly on monday at 08:00 UTC, disabled, owner ops@example.com",
    )


def test_a_build_made_by_duvoform_that_said_more_than_can_be_read_gets_a_note() -> None:
    spec = BuildSpec(model="claude-sonnet-4-6", sop="Do the work.", handover_to=("Escalations",))
    doc = mapped(agent(), build(name=build_name(build_digest(spec))))
    assert "handover_to" in doc.notes[0]
    same = BuildSpec(model="claude-sonnet-4-6", sop="Do the work.")
    assert mapped(agent(), build(name=build_name(build_digest(same)))).notes == ()


@pytest.mark.parametrize(
    ("live", "reason"),
    [
        (None, "it has no build"),
        (build(v2(sop="")), "spec.build.sop"),
        (build({"version": "v9", "data": {}}), "cannot read"),
    ],
)
def test_what_cannot_be_a_valid_manifest_is_skipped_with_the_reason(live: Any, reason: str) -> None:
    result = assignment_document(agent(), live, folder=None, agent_names={})
    assert isinstance(result, Skipped)
    assert reason in result.reason


def test_an_assignment_name_with_control_characters_is_skipped() -> None:
    result = assignment_document(agent("bad\nname"), build(), folder=None, agent_names={})
    assert isinstance(result, Skipped)
    assert "metadata.name" in result.reason


def test_folder_references_use_the_name_unless_it_is_shared() -> None:
    folders = tree(
        (UUID, "Finance", None),
        ("r1", "Reports", UUID),
        ("o", "Operations", None),
        ("r2", "Reports", "o"),
        ("q", "Quarterly", "r2"),
    )
    assert folder_ref(folders, None) is None
    assert folder_ref(folders, UUID) == "Finance"
    assert folder_ref(folders, "r1") == "Finance/Reports"
    quarterly = folder_document(folders.by_id["q"], folders)
    assert isinstance(quarterly, Document)
    assert quarterly.name == "Operations/Reports/Quarterly"
    assert quarterly.data["spec"] == {"parent": "Operations/Reports"}
    root = folder_document(folders.by_id[UUID], folders, pin_id=True)
    assert isinstance(root, Document)
    assert root.data["spec"] == {}
    assert root.data["metadata"] == {"name": "Finance", "id": UUID}


def test_a_folder_name_with_a_slash_cannot_be_a_manifest() -> None:
    result = folder_document(tree(("f", "A/B", None)).by_id["f"], tree(("f", "A/B", None)))
    assert isinstance(result, Skipped)
    assert "'/'" in result.reason
