"""The mermaid writer, checked with mermaid's own parser (see ``tests/render/mermaid_parser``)."""

from __future__ import annotations

from typing import Any

from duvoform.engine.plan import Action, Change, Plan
from duvoform.render.graph_mermaid import escape, render_mermaid
from duvoform.render.picture import EdgeRole, Node, Picture, picture_of
from duvoform.render.values import ACTION_SYMBOLS, printable
from tests.render.mermaid_parser import MermaidParser
from tests.render.pictures import HOSTILE, example_desired, hostile_picture

SHAPES = {False: "round", True: "cylinder"}
STROKES = {EdgeRole.SUB_AGENT: "normal", EdgeRole.HANDOVER: "thick", EdgeRole.CONNECTION: "dotted"}


def label(picture: Picture, text: str, action: Action | None) -> str:
    return f"{ACTION_SYMBOLS[action]} {text}" if picture.of_plan and action else text


def understood(mermaid: MermaidParser, *pictures: Picture) -> list[dict[str, Any]]:
    results = mermaid.parse(*(render_mermaid(p) for p in pictures))
    for result in results:
        assert "error" not in result, result.get("error")
        assert result["type"] == "flowchart-v2"
    return results


def check(picture: Picture, result: dict[str, Any]) -> None:
    """mermaid read back every group, node and edge of ``picture``, with its exact text."""
    # ``style gN`` on a subgraph makes a vertex entry that mermaid draws as that subgraph
    subgraphs = {s["id"] for s in result["subgraphs"]}
    vertices = {
        v["id"]: v
        for v in result["vertices"]
        if not v["id"].startswith("legend_") and v["id"] not in subgraphs
    }
    seen = {(v["text"], v["type"]) for v in vertices.values()}
    assert seen == {
        (printable(label(picture, n.label, n.action)), SHAPES[n.stored]) for n in picture.nodes
    }
    assert len(vertices) == len(picture.nodes)

    def node_of(vertex_id: str) -> Node:
        vertex = vertices[vertex_id]
        return next(
            n
            for n in picture.nodes
            if printable(label(picture, n.label, n.action)) == vertex["text"]
            and SHAPES[n.stored] == vertex["type"]
        )

    edges = [e for e in result["edges"] if not e["start"].startswith("legend_")]
    assert sorted((node_of(e["start"]).key, node_of(e["end"]).key, e["stroke"]) for e in edges) == (
        sorted((e.source, e.target, STROKES[e.role]) for e in picture.edges)
    )
    drawn = sorted(
        (s["title"], sorted(node_of(m).key for m in s["nodes"] if m in vertices))
        for s in result["subgraphs"]
        if s["id"] != "legend"
    )
    assert drawn == sorted(
        (
            printable(label(picture, g.label, g.action)),
            sorted(n.key for n in picture.nodes if n.group == g.key),
        )
        for g in picture.groups
    )
    assert [s["title"] for s in result["subgraphs"] if s["id"] == "legend"] == ["Legend"]
    if picture.of_plan:
        for vertex_id, vertex in vertices.items():
            action = node_of(vertex_id).action
            assert vertex["classes"] == [action.value if action else "unchanged"]


def test_the_example_team_reads_back_as_drawn(mermaid: MermaidParser) -> None:
    desired = example_desired()
    plan = Plan(
        changes=(
            Change("Assignment", "Invoice triage", Action.BUILD),
            Change("Connection", "AP inbox", Action.AUTHORIZE),
            Change("Folder", "Finance/Old", Action.DELETE),
        )
    )
    pictures = (picture_of(desired), picture_of(desired, plan))
    for picture, result in zip(pictures, understood(mermaid, *pictures), strict=True):
        check(picture, result)
    edges = understood(mermaid, pictures[0])[0]["edges"]
    legend = [e["text"] for e in edges if e["start"] == "legend_a"]
    assert legend == ["calls as sub-agent", "hands over to", "uses connection"]


def test_hostile_names_are_only_text(mermaid: MermaidParser) -> None:
    pictures = (hostile_picture(), hostile_picture(of_plan=True))
    for picture, result in zip(pictures, understood(mermaid, *pictures), strict=True):
        check(picture, result)


def test_each_hostile_name_alone_in_a_label_parses(mermaid: MermaidParser) -> None:
    pictures = [Picture(nodes=(Node("Assignment/x", "Assignment", name),)) for name in HOSTILE]
    for name, result in zip(HOSTILE, understood(mermaid, *pictures), strict=True):
        texts = [v["text"] for v in result["vertices"] if v["id"] == "n1"]
        assert texts == [printable(name)]


def test_escape() -> None:
    assert escape('a "b" <c> #1; end') == "a #34;b#34; #60;c#62; #35;1#59; end"
    assert escape("Month-end close (EU), v1.2/3 + more! ~ 'q' _x") == (
        "Month-end close (EU), v1.2/3 + more! ~ 'q' _x"
    )
    assert escape("名前 ü 🚀") == "名前 ü #128640;"
    assert escape("line\nbreak") == "line#92;nbreak"


def test_labels_are_shortened_on_request() -> None:
    picture = Picture(nodes=(Node("Assignment/x", "Assignment", "x" * 100),))
    assert f'n1("{"x" * 59}#8230;")' in render_mermaid(picture, label_limit=60)
    assert f'n1("{"x" * 100}")' in render_mermaid(picture)
