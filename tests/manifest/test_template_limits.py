"""``guard_tree`` guards a template in one walk: each node's fields are read a bounded number
of times, however many ``~`` the template holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from jinja2 import StrictUndefined, nodes

from duvoform.manifest.template_limits import BoundedSandbox, TemplateLimit, guard_tree


def _field_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A counter of ``Node.iter_fields`` calls: every walk of a jinja2 tree reads fields."""
    reads = [0]
    original = nodes.Node.iter_fields

    def counted(self: nodes.Node, *args: Any, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        reads[0] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(nodes.Node, "iter_fields", counted)
    return reads


@pytest.mark.parametrize("copies", [100, 400])
def test_many_concats_are_guarded_in_linear_node_visits(
    copies: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = BoundedSandbox(undefined=StrictUndefined)
    tree = env.parse("{{ vars.a ~ 'b' }}" * copies)
    size = 1 + sum(1 for _ in tree.find_all(nodes.Node))
    reads = _field_reads(monkeypatch)
    guard_tree(tree)
    assert reads[0] <= 3 * size  # one walk, then set_lineno's; not one walk per `~`


def test_the_guarded_tree_measures_nested_concats_and_outputs() -> None:
    env = BoundedSandbox(undefined=StrictUndefined)
    source = "{{ (s ~ s) ~ 'x' }}{% for i in [1] %}{{ 'a' ~ (s ~ s) }}{% endfor %}"
    template = env.from_string(guard_tree(env.parse(source)))
    with pytest.raises(TemplateLimit, match="would exceed"):
        template.render(s="x" * 600_000)
    assert template.render(s="ab") == "ababxaabab"
