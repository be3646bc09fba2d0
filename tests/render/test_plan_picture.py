"""The picture in the markdown plan comment: bounded, read back by mermaid, within budget."""

from __future__ import annotations

import re

import pytest

from duvoform.engine.plan import Action, Change, Plan
from duvoform.render.markdown import render_plan
from duvoform.render.picture import Node, Picture, picture_of
from duvoform.render.plan_picture import picture_section
from tests.render import plans
from tests.render.mermaid_parser import MermaidParser
from tests.render.pictures import example_desired, hostile_picture
from tests.render.test_markdown import check_balanced

BLOCK = re.compile(r"```mermaid\n(.*?)```\n", re.S)


def big_picture(count: int) -> tuple[Plan, Picture]:
    """``plans.many(count)`` and a picture of its changes, each with a long hostile name."""
    plan = plans.many(count)
    nodes = tuple(
        Node(c.address, "Assignment", c.name + ' "end" <b>' * 20, None, c.action)
        for c in plan.changes
    )
    return plan, Picture(nodes=nodes, of_plan=True)


def test_the_comment_shows_the_changes_and_their_neighbours(mermaid: MermaidParser) -> None:
    plan = Plan(changes=(Change("Assignment", "Invoice triage", Action.BUILD),))
    text = render_plan(plan, picture=picture_of(example_desired(), plan))
    check_balanced(text)
    assert "\n### Picture\n\n```mermaid\nflowchart LR\n" in text
    assert text.index("### Picture") < text.index("### New builds")
    (diagram,) = BLOCK.findall(text)
    (result,) = mermaid.parse(diagram)
    assert "error" not in result
    texts = {v["text"] for v in result["vertices"] if v["id"].startswith("n")}
    assert texts == {
        "± Invoice triage",
        "Vendor lookup",
        "AP escalations",
        "AP inbox",
        "ERP tools",
    }


def test_no_picture_without_changes() -> None:
    assert "Picture" not in render_plan(Plan(), picture=picture_of(example_desired()))


def test_at_most_50_objects_with_a_note_of_the_rest(mermaid: MermaidParser) -> None:
    plan, picture = big_picture(2000)
    text = render_plan(plan, picture=picture)
    assert len(text) <= 65_000
    check_balanced(text)
    (diagram,) = BLOCK.findall(text)
    drawn = len(re.findall(r"^  n\d+\(", diagram, re.M))
    assert 0 < drawn <= 50
    assert f"*{2000 - drawn:,} more changed or neighbouring objects are not drawn" in text
    (result,) = mermaid.parse(diagram)
    assert "error" not in result


@pytest.mark.parametrize("max_chars", [3_000, 5_000, 8_000, 13_000, 21_000, 65_000])
def test_the_budget_holds_with_the_picture(max_chars: int) -> None:
    plan, picture = big_picture(60)
    text = render_plan(plan, picture=picture, max_chars=max_chars)
    assert len(text) <= max_chars
    check_balanced(text)
    notice = re.search(r"\*\*(\d+) of 60 changes are not shown\*\*", text)
    left_out = int(notice.group(1)) if notice else 0
    assert text.count("<details") + left_out == 60
    assert "### Picture" in text or "picture of the changes is left out" in text


def test_a_picture_that_never_fits_is_left_out_with_a_note() -> None:
    _, picture = big_picture(10)
    assert picture_section(picture, room=100) == (
        "\n*The picture of the changes is left out: it does not fit in this comment.*\n"
    )
    assert picture_section(picture, room=10) == ""
    smaller = picture_section(picture, room=2_000)
    assert "this picture shows at most" in smaller
    assert len(smaller) <= 2_000


def test_hostile_names_in_the_comment(mermaid: MermaidParser) -> None:
    plan = Plan(changes=(Change("Assignment", "0", Action.CREATE),))
    text = render_plan(plan, picture=hostile_picture(of_plan=True))
    assert "\x1b" not in text
    assert "\u202e" not in text
    (diagram,) = BLOCK.findall(text)
    (result,) = mermaid.parse(diagram)
    assert "error" not in result
