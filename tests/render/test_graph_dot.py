"""The DOT writer, checked with pydot's parser (and drawn by Graphviz where ``dot`` exists)."""

from __future__ import annotations

import shutil
import subprocess
import warnings

import pydot
import pytest

with warnings.catch_warnings():
    # pydot's parser still calls pyparsing's old camel-case names, which warn on import
    warnings.simplefilter("ignore")
    import pydot.dot_parser

from duvoform.engine.plan import Action, Change, Plan
from duvoform.render.graph_dot import quote, render_dot
from duvoform.render.picture import Picture, picture_of
from duvoform.render.values import ACTION_SYMBOLS, printable
from tests.render.pictures import example_desired, hostile_picture


def unquote(text: str) -> str:
    assert text.startswith('"'), text
    assert text.endswith('"'), text
    body, out, index = text[1:-1], [], 0
    while index < len(body):
        if body[index] == "\\" and body[index + 1] in '\\"':
            index += 1
        out.append(body[index])
        index += 1
    return "".join(out).replace("&amp;", "&")


def label(picture: Picture, text: str, action: Action | None) -> str:
    return printable(f"{ACTION_SYMBOLS[action]} {text}" if picture.of_plan and action else text)


def clusters(graph: pydot.Graph) -> list[pydot.Subgraph]:
    found = []
    for sub in graph.get_subgraphs():
        found.append(sub)
        found.extend(clusters(sub))
    return found


def title(cluster: pydot.Subgraph) -> str:
    labels = [d["label"] for d in cluster.get_graph_defaults() if "label" in d]
    assert len(labels) == 1
    return unquote(labels[0])


def check(picture: Picture) -> None:
    """pydot reads back every group, node and edge of ``picture``, with its exact text."""
    (graph,) = pydot.graph_from_dot_data(render_dot(picture))
    subs = [s for s in clusters(graph) if s.get_name() != "cluster_legend"]
    nodes = {n.get_name(): n for s in [graph, *subs] for n in s.get_nodes()}
    nodes = {k: v for k, v in nodes.items() if k[:1] == "n" and k[1:].isdigit()}
    texts = sorted((unquote(n.get("label")), n.get("shape") or "box") for n in nodes.values())
    assert texts == sorted(
        (label(picture, n.label, n.action), "cylinder" if n.stored else "box")
        for n in picture.nodes
    )
    titles = sorted(title(s) for s in subs)
    assert titles == sorted(label(picture, g.label, g.action) for g in picture.groups)
    by_id = {name: unquote(n.get("label")) for name, n in nodes.items()}
    edges = [e for e in graph.get_edges() if not e.get_source().startswith("legend")]
    assert len(edges) == len(picture.edges)
    assert {(by_id[e.get_source()], by_id[e.get_destination()]) for e in edges} == {
        (
            label(picture, picture.get(e.source).label, picture.get(e.source).action),  # type: ignore[union-attr]
            label(picture, picture.get(e.target).label, picture.get(e.target).action),  # type: ignore[union-attr]
        )
        for e in picture.edges
    }


def test_the_example_team_reads_back_as_drawn() -> None:
    desired = example_desired()
    plan = Plan(changes=(Change("Assignment", "Invoice triage", Action.BUILD),))
    check(picture_of(desired))
    check(picture_of(desired, plan))


def test_hostile_names_are_only_text() -> None:
    check(hostile_picture())
    check(hostile_picture(of_plan=True))


def test_quote() -> None:
    assert quote('a "b" \\N &lt; x') == '"a \\"b\\" \\\\N &amp;lt; x"'
    assert quote("line\nbreak") == '"line\\\\nbreak"'


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_draws_hostile_names_as_written() -> None:
    svg = subprocess.run(
        ["dot", "-Tsvg"],
        input=render_dot(hostile_picture(of_plan=True)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "&amp;lt;entity&amp;gt; &amp;amp; #35; #quot;" in svg
    assert "back\\slash \\N \\l \\n" in svg
    assert "&lt;script&gt;" in svg
    assert "<script" not in svg
