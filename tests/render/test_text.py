from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from duvoform.app import App
from duvoform.engine.plan import Action, Change, FieldChange, Plan
from duvoform.render.text import render_plan, render_plan_plain
from tests.render import plans
from tests.render.golden import assert_golden

ANSI = re.compile(r"\x1b\[")


@pytest.mark.parametrize("name", sorted(plans.GOLDEN_PLANS))
def test_golden(name: str) -> None:
    assert_golden(f"{name}.txt", render_plan_plain(plans.GOLDEN_PLANS[name]()))


def test_golden_verbose() -> None:
    assert_golden("everything.verbose.txt", render_plan_plain(plans.everything(), verbose=True))


def test_empty_plan_says_no_changes() -> None:
    assert render_plan_plain(plans.empty()) == "No changes. Live state matches the manifests.\n"


def test_summary_line_is_last_and_counts_every_action() -> None:
    lines = render_plan_plain(plans.everything()).splitlines()
    assert lines[-1] == (
        "Plan: 2 to create, 1 to update, 1 to build, 1 to delete, 1 to authorize (7 unchanged)."
    )


def test_changes_are_grouped_deletes_first() -> None:
    text = render_plan_plain(plans.everything())
    heads = [line for line in text.splitlines() if re.match(r"^[-+~±!] \w+/", line)]
    assert [head[0] for head in heads] == ["-", "+", "+", "~", "±", "!"]
    assert heads[0] == "- Folder/Old stuff will be deleted"


def test_depends_on_and_requests_only_when_verbose() -> None:
    quiet = render_plan_plain(plans.rename_and_move())
    loud = render_plan_plain(plans.rename_and_move(), verbose=True)
    assert "depends on" not in quiet
    assert "    depends on: Folder/Accounts Payable\n" in loud
    assert "    requests: PATCH /v1/agents/{agent_id}\n" in loud
    assert "    id: 3c90c3cc-0d44-4b50-8888-8dd25736052a\n" in loud


def test_sop_diff_shows_changed_lines_with_three_lines_of_context() -> None:
    text = render_plan_plain(plans.build_sop_edit())
    diff = [line[6:] for line in text.splitlines() if line.startswith("      ")]
    assert diff[0] == "@@ -27,7 +27,7 @@"
    assert [line[:3] for line in diff[1:]] == [
        " 27",
        " 28",
        " 29",
        "-30",
        "+30",
        " 31",
        " 32",
        " 33",
    ]
    assert "rule 26." not in text
    assert "rule 34." not in text
    assert "rule 1." not in text


def test_multiline_string_on_any_path_is_a_diff() -> None:
    plan = Plan(
        changes=(
            Change(
                "Assignment",
                "A",
                Action.UPDATE,
                fields=(FieldChange("description", "one\ntwo\n", "one\nthree\n"),),
            ),
        )
    )
    text = render_plan_plain(plan)
    assert "    description:\n      @@ -1,2 +1,2 @@\n       one\n      -two\n      +three\n" in text


def test_long_values_are_shortened() -> None:
    long = "x" * 500
    plan = Plan(
        changes=(Change("Folder", "F", Action.UPDATE, fields=(FieldChange("k", "a", long),)),)
    )
    line = next(line for line in render_plan_plain(plan).splitlines() if "k:" in line)
    assert line.endswith("…")
    assert len(line) < 120


def test_changed_keys_of_mappings_get_their_own_lines() -> None:
    plan = Plan(
        changes=(
            Change(
                "Assignment",
                "A",
                Action.BUILD,
                fields=(
                    FieldChange(
                        "build",
                        {"model": "m1", "skills": ["a"], "sop": "same"},
                        {"model": "m2", "skills": ["a"], "sop": "same"},
                    ),
                ),
            ),
        )
    )
    text = render_plan_plain(plan)
    assert '    build.model: "m1" -> "m2"\n' in text
    assert "skills" not in text


def test_rich_markup_and_control_characters_are_shown_not_obeyed() -> None:
    text = render_plan_plain(plans.specials())
    assert "Folder/Ops | [red]x[/red] \\x1b[31mred will be updated in place" in text
    assert "\x1b" not in text
    assert "\u202e" not in text


def _print(plan: Plan, **console: object) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=200, soft_wrap=True, **console).print(render_plan(plan))  # type: ignore[arg-type]
    return buffer.getvalue()


def test_colour_console_styles_symbols_and_diff_lines() -> None:
    out = _print(plans.everything(), force_terminal=True, color_system="standard")
    assert "\x1b[31m- \x1b[0m\x1b[31mFolder/Old stuff" in out
    assert "\x1b[32m+30. Escalate" in out
    assert "\x1b[33mWarning: " in out


@pytest.mark.parametrize(
    "console",
    [{}, {"no_color": True, "force_terminal": True}],
    ids=["not-a-tty", "no-color-on-a-tty"],
)
def test_no_colour_console_prints_plain_text(console: dict[str, object]) -> None:
    plan = plans.everything()
    out = _print(plan, **console)
    assert not ANSI.search(out)
    assert out == render_plan_plain(plan)


@pytest.mark.parametrize("color", [True, False])
def test_app_console_without_a_tty_prints_no_escapes(
    color: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    App(color=color).out.print(render_plan(plans.everything()))
    out = capsys.readouterr().out
    assert "Plan: 2 to create" in out
    assert "\x1b" not in out


def test_a_huge_sop_change_is_described_not_diffed() -> None:
    before = "".join(f"{n}. step\n" for n in range(300_000))
    after = before.replace("17. step\n", "17. changed\n", 1)
    plan = Plan(
        changes=(
            Change(
                kind="Assignment",
                name="Big",
                action=Action.BUILD,
                fields=(FieldChange("build.sop", before, after),),
            ),
        )
    )
    out = render_plan_plain(plan)
    assert "300,000 lines before, 300,000 after; 1 line added, 1 removed" in out
    assert len(out.splitlines()) < 50
