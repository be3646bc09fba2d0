"""A ``Picture`` in Graphviz's DOT language (``duvoform graph --format dot``).

Folders are clusters, assignments rounded boxes, connections cylinders. Edges: a sub-agent call
is a solid arrow, a handover a bold purple arrow with an open head, a connection a dashed line
ending in a dot; a legend cluster shows each. In a picture of a plan, every label starts with
its action's symbol (``+``, ``~``, ``±``, ``-``, ``!``) and is coloured by its action; unchanged
ones are grey. Render it with ``dot -Tsvg``.

Names never reach DOT's syntax: elements are called ``n1``, ``cluster_g1``..., and every label
is a quoted string in which ``\\`` and ``"`` are backslash-escaped (so ``\\N`` or ``\\l`` stay
text) and ``&`` is written ``&amp;`` (Graphviz reads HTML entities in labels, so ``&lt;`` would
otherwise draw as ``<``). Control characters are first shown as escapes.
"""

from __future__ import annotations

from duvoform.engine.plan import Action
from duvoform.render.picture import COLOURS, EDGE_LABELS, EdgeRole, Node, Picture
from duvoform.render.values import ACTION_SYMBOLS, printable

__all__ = ["quote", "render_dot"]

_FONT = "Helvetica,Arial,sans-serif"
_EDGES: dict[EdgeRole, str] = {
    EdgeRole.SUB_AGENT: 'style=solid, color="#24292f", arrowhead=normal',
    EdgeRole.HANDOVER: 'style=bold, color="#8250df", arrowhead=vee',
    EdgeRole.CONNECTION: 'style=dashed, color="#57606a", arrowhead=dot',
}
_INDENT = "  "


def quote(text: str) -> str:
    """``text`` as a DOT quoted string that Graphviz draws exactly as written."""
    escaped = printable(text).replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_dot(picture: Picture) -> str:
    """``picture`` as a DOT ``digraph``."""
    ids = {group.key: f"g{n}" for n, group in enumerate(picture.groups, 1)}
    ids.update({node.key: f"n{n}" for n, node in enumerate(picture.nodes, 1)})
    lines = [
        "digraph duvoform {",
        f'{_INDENT}graph [rankdir=LR, fontname="{_FONT}", fontsize=12, newrank=true];',
        f'{_INDENT}node [fontname="{_FONT}", fontsize=11, shape=box, style="rounded,filled", '
        'fillcolor="#ffffff", color="#57606a"];',
        f'{_INDENT}edge [fontname="{_FONT}", fontsize=10];',
    ]
    lines += _clusters(picture, ids, None, 1)
    lines += [_INDENT + _node(n, ids[n.key], picture.of_plan) for n in picture.nodes if not n.group]
    lines += [
        f"{_INDENT}{ids[e.source]} -> {ids[e.target]} [{_EDGES[e.role]}];" for e in picture.edges
    ]
    lines += _legend(picture)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _label(text: str, action: Action | None, of_plan: bool) -> str:
    if of_plan and action is not None:
        text = f"{ACTION_SYMBOLS[action]} {text}"
    return quote(text)


def _colours(action: Action | None, of_plan: bool, *, cluster: bool = False) -> str:
    if not of_plan:
        return 'color="#8c959f", fillcolor="#f6f8fa"' if cluster else ""
    colours = COLOURS[action]
    return f'fillcolor="{colours.fill}", color="{colours.stroke}", fontcolor="{colours.text}"'


def _node(node: Node, node_id: str, of_plan: bool) -> str:
    attributes = [f"label={_label(node.label, node.action, of_plan)}"]
    if node.stored:
        attributes.append("shape=cylinder")
    if colours := _colours(node.action, of_plan):
        attributes.append(colours)
    return f"{node_id} [{', '.join(attributes)}];"


def _clusters(picture: Picture, ids: dict[str, str], parent: str | None, depth: int) -> list[str]:
    lines: list[str] = []
    pad, inner = _INDENT * depth, _INDENT * (depth + 1)
    for group in (g for g in picture.groups if g.parent == parent):
        group_id = ids[group.key]
        label = _label(group.label, group.action, picture.of_plan)
        colours = _colours(group.action, picture.of_plan, cluster=True)
        lines.append(f"{pad}subgraph cluster_{group_id} {{")
        lines.append(f'{inner}graph [label={label}, style="rounded,filled", {colours}];')
        lines += _clusters(picture, ids, group.key, depth + 1)
        members = [n for n in picture.nodes if n.group == group.key]
        lines += [inner + _node(n, ids[n.key], picture.of_plan) for n in members]
        if not members and not any(g.parent == group.key for g in picture.groups):
            # Graphviz does not draw an empty cluster: an invisible point keeps the folder.
            lines.append(f'{inner}{group_id}_empty [shape=point, style=invis, label=""];')
        lines.append(f"{pad}}}")
    return lines


def _legend(picture: Picture) -> list[str]:
    pad, inner = _INDENT, _INDENT * 2
    lines = [
        f"{pad}subgraph cluster_legend {{",
        f'{inner}graph [label="Legend", style="rounded", color="#d0d7de"];',
        f'{inner}legend_a [label="assignment"];',
        f'{inner}legend_b [label="assignment"];',
        f'{inner}legend_c [label="assignment"];',
        f'{inner}legend_d [label="connection", shape=cylinder];',
    ]
    for role, target in (
        (EdgeRole.SUB_AGENT, "legend_b"),
        (EdgeRole.HANDOVER, "legend_c"),
        (EdgeRole.CONNECTION, "legend_d"),
    ):
        lines.append(
            f"{inner}legend_a -> {target} [{_EDGES[role]}, label={quote(EDGE_LABELS[role])}];"
        )
    if picture.of_plan:
        for action in picture.actions():
            name = action.value if action is not None else "unchanged"
            text = f"{ACTION_SYMBOLS[action]} {name}" if action is not None else name
            lines.append(f"{inner}legend_{name} [label={quote(text)}, {_colours(action, True)}];")
    lines.append(f"{pad}}}")
    return lines
