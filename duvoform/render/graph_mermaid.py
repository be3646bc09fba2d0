"""A ``Picture`` as a mermaid flowchart (``duvoform graph --format mermaid``, plan comments).

Folders are subgraphs, assignments rounded boxes, connections cylinders. Edges: a sub-agent
call is a plain arrow (``-->``), a handover a thick one (``==>``), a connection a dotted one
(``-.->``); a legend subgraph shows each. In a picture of a plan, every element's label starts
with its action's symbol (``+``, ``~``, ``±``, ``-``, ``!``) and is coloured by its action;
unchanged ones are grey.

Names never reach mermaid's syntax: elements are called ``n1``, ``g1``..., so a name such as
``end``, ``subgraph`` or ``style`` is only ever text, and every label is a quoted string in
which each character other than a letter, a digit, a space or one of ``-_.,/+!~()'`` is written
as mermaid's entity code (``"`` as ``#34;``, ``<`` as ``#60;``, ``#`` as ``#35;``). Those codes
render as the character itself, as text, never as markup. Control characters are first shown
as escapes.
"""

from __future__ import annotations

from duvoform.engine.plan import Action
from duvoform.render.picture import COLOURS, EDGE_LABELS, EdgeRole, Node, Picture
from duvoform.render.values import ACTION_SYMBOLS, printable, shorten

__all__ = ["escape", "render_mermaid"]

_ARROWS: dict[EdgeRole, str] = {
    EdgeRole.SUB_AGENT: "-->",
    EdgeRole.HANDOVER: "==>",
    EdgeRole.CONNECTION: "-.->",
}
_INDENT = "  "
_PLAIN = frozenset(" -_.,/+!~()'")


def escape(text: str) -> str:
    """``text`` for inside a quoted mermaid label: letters, digits, spaces and ``-_.,/+!~()'`` as
    they are, every other character as its entity code, control characters shown as escapes."""
    return "".join(
        char if char.isalnum() or char in _PLAIN else f"#{ord(char)};" for char in printable(text)
    )


def render_mermaid(picture: Picture, *, label_limit: int | None = None) -> str:
    """``picture`` as a mermaid ``flowchart``; ``label_limit`` shortens long names."""
    ids = _ids(picture)
    lines = ["flowchart LR"]
    lines += _groups(picture, ids, None, 1, label_limit)
    lines += [
        _INDENT + _node(node, ids[node.key], picture.of_plan, label_limit)
        for node in picture.nodes
        if node.group is None
    ]
    for edge in picture.edges:
        lines.append(f"{_INDENT}{ids[edge.source]} {_ARROWS[edge.role]} {ids[edge.target]}")
    lines += _legend(picture)
    lines += _classes(picture, ids)
    return "\n".join(lines) + "\n"


def _ids(picture: Picture) -> dict[str, str]:
    ids = {group.key: f"g{n}" for n, group in enumerate(picture.groups, 1)}
    ids.update({node.key: f"n{n}" for n, node in enumerate(picture.nodes, 1)})
    return ids


def _label(text: str, action: Action | None, of_plan: bool, limit: int | None) -> str:
    if limit is not None:
        text = shorten(text, limit)
    if of_plan and action is not None:
        text = f"{ACTION_SYMBOLS[action]} {text}"
    return f'"{escape(text)}"'


def _node(node: Node, node_id: str, of_plan: bool, limit: int | None) -> str:
    label = _label(node.label, node.action, of_plan, limit)
    if node.stored:
        return f"{node_id}[({label})]"
    return f"{node_id}({label})"


def _groups(
    picture: Picture, ids: dict[str, str], parent: str | None, depth: int, limit: int | None
) -> list[str]:
    lines: list[str] = []
    pad = _INDENT * depth
    for group in (g for g in picture.groups if g.parent == parent):
        title = _label(group.label, group.action, picture.of_plan, limit)
        lines.append(f"{pad}subgraph {ids[group.key]}[{title}]")
        lines += _groups(picture, ids, group.key, depth + 1, limit)
        lines += [
            pad + _INDENT + _node(node, ids[node.key], picture.of_plan, limit)
            for node in picture.nodes
            if node.group == group.key
        ]
        lines.append(f"{pad}end")
    return lines


def _legend(picture: Picture) -> list[str]:
    pad = _INDENT * 2
    lines = [
        f'{_INDENT}subgraph legend["Legend"]',
        f"{pad}direction LR",
        f'{pad}legend_a("assignment") {_ARROWS[EdgeRole.SUB_AGENT]}|"'
        f'{escape(EDGE_LABELS[EdgeRole.SUB_AGENT])}"| legend_b("assignment")',
        f'{pad}legend_a {_ARROWS[EdgeRole.HANDOVER]}|"'
        f'{escape(EDGE_LABELS[EdgeRole.HANDOVER])}"| legend_c("assignment")',
        f'{pad}legend_a {_ARROWS[EdgeRole.CONNECTION]}|"'
        f'{escape(EDGE_LABELS[EdgeRole.CONNECTION])}"| legend_d[("connection")]',
    ]
    if picture.of_plan:
        for action in picture.actions():
            name = action.value if action is not None else "unchanged"
            symbol = f"{ACTION_SYMBOLS[action]} " if action is not None else ""
            lines.append(f'{pad}legend_{name}["{escape(symbol + name)}"]:::{name}')
    lines.append(f"{_INDENT}end")
    return lines


def _classes(picture: Picture, ids: dict[str, str]) -> list[str]:
    if not picture.of_plan:
        return []
    lines: list[str] = []
    for action in picture.actions():
        name = action.value if action is not None else "unchanged"
        colours = COLOURS[action]
        style = f"fill:{colours.fill},stroke:{colours.stroke},color:{colours.text}"
        lines.append(f"{_INDENT}classDef {name} {style}")
        members = [ids[n.key] for n in picture.nodes if n.action is action]
        if members:
            lines.append(f"{_INDENT}class {','.join(members)} {name}")
        lines += [
            f"{_INDENT}style {ids[g.key]} {style}" for g in picture.groups if g.action is action
        ]
    return lines
