"""Assignment and build changes: creates, cycles, renames, flags, moves, builds, adoption."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duvoform.engine.plan import Action
from duvoform.engine.steps import Op, build_key, ref
from duvoform.errors import SafetyError
from duvoform.kinds.assignment.diff import bare_assignments
from duvoform.kinds.assignment.digest import BOOTSTRAP_NAME
from tests.engine.helpers import (
    agent,
    build,
    desired_from,
    digest_name,
    folder,
    live_state,
    plan_for,
    v2,
    write,
)

A, B, C, F = (
    "bbbbbbbb-0000-4000-8000-000000000001",
    "bbbbbbbb-0000-4000-8000-000000000002",
    "bbbbbbbb-0000-4000-8000-000000000003",
    "bbbbbbbb-0000-4000-8000-000000000004",
)
BUILD = "cccccccc-0000-4000-8000-000000000001"


def doc(name: str, build_body: str = "model: claude-sonnet-4-6, sop: Do it.", **spec: Any) -> str:
    extra = "".join(f"  {key}: {value}\n" for key, value in spec.items())
    meta = f"{{name: {name}}}"
    return (
        f"apiVersion: duvoform/v1\nkind: Assignment\nmetadata: {meta}\n"
        f"spec:\n{extra}  build: {{{build_body}}}\n"
    )


def test_create_is_one_request_with_its_first_build_then_flags_move_and_labels(
    tmp_path: Path,
) -> None:
    files = {
        "f.yaml": "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: AP}\n",
        "a.yaml": doc(
            "Triage",
            "model: m1, sop: Do it., skills: [b, a], revision_name: Q4",
            folder="AP",
            slack_enabled="true",
        ),
    }
    result = plan_for(tmp_path, files, live_state())
    change = result.plan.changes[-1]
    assert change.action is Action.CREATE
    create, move, labels = change.steps
    assert create.op is Op.AGENT_CREATE
    assert create.params["name"] == "Triage"
    assert create.params["flags"] == {"slack_enabled": True}
    assert create.params["build"]["name"] == digest_name(tmp_path, "Triage")
    data = create.params["build"]["config"]["data"]
    assert data["input"] == "Do it."
    assert data["skills"] == ["b", "a"]
    assert data["models"]["agent"] == {"model": "m1"}
    assert move.op is Op.AGENTS_MOVE
    assert move.params == {"agents": [ref("Assignment/Triage")], "folder": ref("Folder/AP")}
    assert set(move.after) == {"Assignment/Triage#1", "Folder/AP#1"}
    assert labels.params == {"build": ref(build_key("Assignment/Triage")), "revision_name": "Q4"}
    assert [r.path for r in change.requests] == [
        "/v1/agents",
        "/v1/agents/{agent_id}",
        "/v1/agent-folders/{folder_id}/agents",
        "/v1/revisions/{build_id}",
    ]
    assert change.depends_on == ("Folder/AP",)
    assert ("build.skills", None, ["a", "b"]) in [
        (f.path, f.before, f.after) for f in change.fields
    ]


def test_a_new_assignment_waits_for_its_new_sub_agent(tmp_path: Path) -> None:
    files = {
        "a.yaml": doc("Boss", "model: m, sop: s, sub_agents: [Helper]") + "---\n" + doc("Helper")
    }
    result = plan_for(tmp_path, files, live_state())
    boss = next(c for c in result.plan.changes if c.name == "Boss")
    (create,) = boss.steps
    assert create.params["build"]["config"]["data"]["subAgents"] == [ref("Assignment/Helper")]
    assert create.after == ("Assignment/Helper#1",)
    assert [c.name for c in result.plan.changes] == ["Helper", "Boss"]


def test_handover_targets_need_a_bare_first_build_then_the_full_one(tmp_path: Path) -> None:
    files = {
        "a.yaml": doc("Front", "model: m, sop: s, handover_to: [Back]") + "---\n" + doc("Back")
    }
    result = plan_for(tmp_path, files, live_state())
    front = next(c for c in result.plan.changes if c.name == "Front")
    create, full = front.steps
    assert create.params["build"]["name"] == BOOTSTRAP_NAME
    assert full.op is Op.BUILD_CREATE
    assert full.params["name"] == digest_name(tmp_path, "Front")
    assert full.params["handover_targets"] == [ref("Assignment/Back")]
    assert full.params["agent"] == ref("Assignment/Front")
    assert "source_build" not in full.params
    assert set(full.after) == {"Assignment/Front#1", "Assignment/Back#1"}


def test_a_sub_agent_cycle_creates_one_bare_and_builds_it_last(tmp_path: Path) -> None:
    files = {
        "a.yaml": "---\n".join(
            [
                doc("A", "model: m, sop: s, sub_agents: [B, Live]"),
                doc("B", "model: m, sop: s, sub_agents: [A]"),
                doc("Live"),
            ]
        )
    }
    live = live_state(agents=[agent(C, "Live", build(BUILD, "x", v2()))])
    result = plan_for(tmp_path, files, live)
    steps = {s.id: s for s in result.steps}
    bare = steps["Assignment/A#1"]
    assert bare.params["build"]["name"] == BOOTSTRAP_NAME
    assert bare.params["build"]["config"]["data"]["subAgents"] == [ref("Assignment/Live")]
    assert steps["Assignment/B#1"].after == ("Assignment/A#1",)
    assert "Assignment/B#1" in steps["Assignment/A#2"].after
    order = [s.id for s in result.steps]
    assert order.index("Assignment/A#2") > order.index("Assignment/B#1")


def test_bare_choice_is_deterministic_and_breaks_every_cycle() -> None:
    edges = {"A": {"B"}, "B": {"C"}, "C": {"A"}, "D": {"E"}, "E": {"D"}, "F": {"A"}}
    assert bare_assignments(edges) == {"A", "D"}
    assert bare_assignments({"X": {"Y"}, "Y": set()}) == set()
    nested = {"A": {"B", "C"}, "B": {"A", "C"}, "C": {"A", "B"}}
    chosen = bare_assignments(nested)
    assert chosen == {"A", "B"}


def test_rename_flags_and_move_to_the_root(tmp_path: Path) -> None:
    files = {
        "a.yaml": (
            "apiVersion: duvoform/v1\nkind: Assignment\n"
            "metadata: {name: New, previous_names: [Old]}\n"
            "spec: {agentic_memory_enabled: true, build: {model: m, sop: s}}\n"
        )
    }
    write(tmp_path, files)
    live_build = build(BUILD, digest_name(tmp_path, "New"), v2("s", "m"))
    live = live_state(
        folders=[folder(F, "Finance")],
        agents=[
            agent(
                A,
                "Old",
                live_build,
                folder_id=F,
                slack_enabled=None,
                microsoft_teams_enabled=True,
                agentic_memory_enabled=None,
            )
        ],
    )
    result = plan_for(tmp_path, files, live)
    (change,) = result.plan.changes
    assert change.action is Action.UPDATE
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("name", "Old", "New"),
        ("microsoft_teams_enabled", True, False),
        ("agentic_memory_enabled", False, True),
        ("folder", "Finance", None),
    ]
    update, move = change.steps
    assert update.params == {
        "agent": ref("Assignment/New"),
        "fields": {"name": "New", "microsoft_teams_enabled": False, "agentic_memory_enabled": True},
    }
    assert move.params == {"agents": [ref("Assignment/New")], "folder": None}
    assert change.requests[-1].path == "/v1/agent-folders/move-agents"
    assert result.ids["Assignment/New"] == A
    assert result.ids["Assignment/New@build"] == BUILD


def test_renaming_a_protected_assignment_is_refused(tmp_path: Path) -> None:
    files = {
        "a.yaml": (
            "apiVersion: duvoform/v1\nkind: Assignment\n"
            "metadata: {name: New, previous_names: [Old], protected: true}\n"
            "spec: {build: {model: m, sop: s}}\n"
        )
    }
    with pytest.raises(SafetyError, match='renaming it from "Old"'):
        plan_for(tmp_path, files, live_state(agents=[agent(A, "Old")]))


def _one(tmp_path: Path, build_body: str, live_build: Any, **extra: Any) -> Any:
    files = {"a.yaml": doc("Bot", build_body) + "".join(extra.get("more", []))}
    agents = [agent(A, "Bot", live_build), *extra.get("agents", [])]
    return plan_for(tmp_path, files, live_state(agents=agents))


def test_an_equal_digest_means_no_change_whatever_the_server_added(tmp_path: Path) -> None:
    write(tmp_path, {"a.yaml": doc("Bot")})
    config = v2("Do it.", options={"serverDefault": True})  # invisible to the digest check
    result = _one(
        tmp_path,
        "model: claude-sonnet-4-6, sop: Do it.",
        build(BUILD, digest_name(tmp_path, "Bot"), config),
    )
    assert not result.plan.has_changes
    assert result.fingerprints.keys() == {f"Assignment/{A}"}


def test_a_different_digest_is_a_new_build_promoted_from_the_live_one(tmp_path: Path) -> None:
    old = build(BUILD, "duvoform:0123456789abcdef", v2("Old text.\n"), revision_name="Q3")
    result = _one(tmp_path, "model: claude-sonnet-4-6, sop: New text., revision_name: Q4", old)
    (change,) = result.plan.changes
    assert change.action is Action.BUILD
    (step,) = change.steps
    assert step.op is Op.BUILD_CREATE
    assert step.params["source_build"] == BUILD
    assert step.params["revision_name"] == "Q4"
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("build.sop", "Old text.", "New text."),
        ("build.revision_name", "Q3", "Q4"),
    ]
    # the labels go with the promote, or in a PATCH when the API made the build live itself
    assert [r.path for r in change.requests] == [
        "/v1/agents/{agent_id}/revisions",
        "/v1/revisions/{build_id}/promote",
        "/v1/revisions/{build_id}",
    ]
    assert change.notes == ()


def test_changed_handover_targets_are_a_new_build_with_a_note(tmp_path: Path) -> None:
    files = {"a.yaml": doc("Bot", "model: m, sop: s, handover_to: [Desk]") + "---\n" + doc("Desk")}
    write(tmp_path, files)
    desk_name = digest_name(tmp_path, "Desk")
    live = live_state(
        agents=[
            agent(A, "Bot", build(BUILD, "duvoform:0123456789abcdef", v2("s", "m"))),
            agent(B, "Desk", build("d", desk_name, v2())),
        ]
    )
    result = plan_for(tmp_path, files, live)
    (change,) = result.plan.changes
    assert change.fields == ()
    assert change.notes[0] == (
        "the readable config is unchanged; what changed is what the API cannot read back: "
        "the handover targets"
    )
    assert change.steps[0].params["handover_targets"] == [ref("Assignment/Desk")]


def test_a_renamed_sub_agent_is_a_new_build_that_says_why(tmp_path: Path) -> None:
    # The digest holds the sub-agent's name; the build holds its id, which did not change.
    files = {"a.yaml": doc("Bot", "model: m, sop: s, sub_agents: [Desk]") + "---\n" + doc("Desk")}
    write(tmp_path, files)
    live = live_state(
        agents=[
            agent(A, "Bot", build(BUILD, "duvoform:0123456789abcdef", v2("s", "m", subAgents=[B]))),
            agent(B, "Desk", build("d", digest_name(tmp_path, "Desk"), v2())),
        ]
    )
    (change,) = plan_for(tmp_path, files, live).plan.changes
    assert change.fields == ()
    assert "the name of a sub-agent" in change.notes[0]


def test_null_options_digest_as_options_not_set(tmp_path: Path) -> None:
    from duvoform.kinds import BuildSpec
    from duvoform.kinds.assignment.digest import build_digest

    base = {"model": "m", "sop": "s"}
    unset = BuildSpec.model_validate({**base, "options": {"a": 1}})
    null = BuildSpec.model_validate({**base, "options": {"a": 1, "z": None}})
    assert build_digest(unset) == build_digest(null)


def test_labels_alone_are_a_patch_of_the_live_build(tmp_path: Path) -> None:
    write(tmp_path, {"a.yaml": doc("Bot", "model: m, sop: s")})
    live_build = build(BUILD, digest_name(tmp_path, "Bot"), v2("s", "m"), revision_name="Old")
    result = _one(tmp_path, "model: m, sop: s", live_build)
    (change,) = result.plan.changes
    assert change.action is Action.UPDATE
    assert change.steps[0].op is Op.BUILD_UPDATE
    assert change.steps[0].params == {"build": BUILD, "revision_name": None}


def test_a_web_app_build_that_matches_is_adopted(tmp_path: Path) -> None:
    body = "model: m, sop: 'Do it.', skills: [a, b], handover_to: [Desk]"
    web = build(BUILD, "Initial setup", v2("Do it.\n", "m", skills=["b", "a"]))
    desk = agent(B, "Desk", build("d", "x", v2()))
    result = _one(tmp_path, body, web, more=["---\n" + doc("Desk")], agents=[desk])
    assert not result.plan.has_changes
    assert len(result.plan.notes) == 2  # both web-app builds were adopted
    (note,) = [n for n in result.plan.notes if n.startswith("Assignment/Bot:")]
    assert "adopted" in note
    assert "handover targets cannot be read back" in note


def test_a_web_app_build_that_differs_is_replaced_with_a_note(tmp_path: Path) -> None:
    web = build(BUILD, "Initial setup", v2("Other.", "m"))
    result = _one(tmp_path, "model: m, sop: Mine.", web)
    (change,) = result.plan.changes
    assert change.action is Action.BUILD
    assert change.notes == ("the live build was changed outside git (it has no duvoform digest)",)


def test_the_bootstrap_build_of_an_interrupted_apply_is_replaced(tmp_path: Path) -> None:
    bare = build(BUILD, BOOTSTRAP_NAME, v2("s", "m"))
    result = _one(tmp_path, "model: m, sop: s", bare)
    (change,) = result.plan.changes
    assert change.action is Action.BUILD
    assert "interrupted apply" in change.notes[0]


def test_the_live_build_is_used_not_the_newest_draft(tmp_path: Path) -> None:
    write(tmp_path, {"a.yaml": doc("Bot", "model: m, sop: s")})
    live_build = build(BUILD, digest_name(tmp_path, "Bot"), v2("s", "m"), revision_number=1)
    draft = build("draft", "Draft", v2("other"), status="draft", revision_number=2)
    files = {"a.yaml": doc("Bot", "model: m, sop: s")}
    state = live_state(agents=[agent(A, "Bot", draft)], builds={A: (live_build, draft)})
    assert not plan_for(tmp_path, files, state).plan.has_changes


def test_an_assignment_without_builds_gets_one(tmp_path: Path) -> None:
    result = _one(tmp_path, "model: m, sop: s", None)
    (change,) = result.plan.changes
    assert change.action is Action.BUILD
    assert "source_build" not in change.steps[0].params
    assert change.notes == ("the assignment has no build yet",)


def test_unmanaged_assignments_are_noted_not_touched(tmp_path: Path) -> None:
    files = {"a.yaml": doc("Bot")}
    live = live_state(
        agents=[agent(f"dddddddd-0000-4000-8000-{n:012d}", f"Stray {n:02d}") for n in range(12)]
    )
    result = plan_for(tmp_path, files, live)
    (note,) = result.plan.notes
    assert note.startswith("12 live assignments are not in any manifest")
    assert note.endswith('"Stray 09" and 2 more')
    assert [c.name for c in result.plan.changes] == ["Bot"]


def test_desired_state_helpers_are_consistent(tmp_path: Path) -> None:
    write(tmp_path, {"a.yaml": doc("Bot")})
    assert desired_from(tmp_path).get("Assignment", "Bot") is not None


LEGACY = {
    "data": {"model": "gpt-4o", "tools": [], "input": "Do it.\n", "files": [], "skills": ["a"]}
}


def test_a_legacy_v1_build_that_matches_is_adopted(tmp_path: Path) -> None:
    result = _one(tmp_path, "model: gpt-4o, sop: Do it., skills: [a]", build(BUILD, "x", LEGACY))
    assert not result.plan.has_changes
    (note,) = result.plan.notes
    assert "adopted" in note
    assert "legacy v1 config" in note


def test_a_legacy_v1_build_cannot_hold_plugins_so_it_is_replaced(tmp_path: Path) -> None:
    body = "model: gpt-4o, sop: Do it., skills: [a], plugins: [p]"
    result = _one(tmp_path, body, build(BUILD, "x", LEGACY))
    (change,) = result.plan.changes
    assert [(f.path, f.before, f.after) for f in change.fields] == [
        ("build.config_version", "v1", "v2"),
        ("build.plugins", [], ["p"]),
    ]
