"""Pictures the graph tests share: the example team, and names chosen to break a writer."""

from __future__ import annotations

from pathlib import Path

from duvoform.engine.graph import DesiredState
from duvoform.engine.plan import Action
from duvoform.manifest import load_manifests
from duvoform.render.picture import Edge, EdgeRole, Group, Node, Picture

__all__ = ["EXAMPLES", "HOSTILE", "example_desired", "hostile_picture"]

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"

HOSTILE: tuple[str, ...] = (
    'He said "hi"',
    "[brackets] {braces} (parens) <angles>",
    "end",
    "subgraph",
    "graph",
    "flowchart TD",
    "style n1 fill:#f00;",
    "classDef x fill:red",
    "click n1 call alert()",
    "%% not a comment",
    "<b>bold</b> & <script>alert(1)</script>",
    "&lt;entity&gt; &amp; #35; #quot;",
    "a --> b ==> c -.-> d",
    "x; y | z",
    "`markdown` **string**",
    "back\\slash \\N \\l \\n",
    "line\nbreak\r\ttab",
    "unicode: ünïcødé 名前 🚀 ±",
    "bidi \u202eevil\u202c",
    "digraph { a -> b }",
    "node [shape=box]",
    "cluster_x",
    "-- edge --",
)
"""Each is a folder, an assignment and a connection name in ``hostile_picture``."""


def example_desired() -> DesiredState:
    """The example team of ``examples/manifests`` (production environment)."""
    return DesiredState.build(load_manifests([EXAMPLES], env="production"))


def hostile_picture(*, of_plan: bool = False) -> Picture:
    """For each hostile name: a folder holding an assignment of that name, and a connection of
    that name; each assignment calls the next as sub-agent, hands over to the previous one and
    uses its connection. With ``of_plan``, actions go round create, update, build, delete,
    authorize and unchanged."""
    actions = (*Action, None)
    groups, nodes, edges = [], [], []
    for n, name in enumerate(HOSTILE):
        action = actions[n % len(actions)] if of_plan else None
        folder = f"Folder/{n}"
        groups.append(Group(folder, name, None, action))
        nodes.append(Node(f"Assignment/{n}", "Assignment", name, folder, action))
        nodes.append(Node(f"Connection/{n}", "Connection", name, None, action, stored=True))
        edges.append(Edge(f"Assignment/{n}", f"Connection/{n}", EdgeRole.CONNECTION))
        if n:
            edges.append(Edge(f"Assignment/{n}", f"Assignment/{n - 1}", EdgeRole.HANDOVER))
            edges.append(Edge(f"Assignment/{n - 1}", f"Assignment/{n}", EdgeRole.SUB_AGENT))
    return Picture(tuple(groups), tuple(nodes), tuple(edges), of_plan=of_plan)
