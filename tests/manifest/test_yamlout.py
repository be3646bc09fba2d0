from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from duvoform.kinds.document import Document
from duvoform.manifest.parse import parse_documents
from duvoform.manifest.template import TemplateRenderer
from duvoform.manifest.yamlout import FOLD_AT, render_documents


def doc(spec: dict[str, Any], comments: tuple[str, ...] = ()) -> Document:
    data = {"apiVersion": "duvoform/v1", "kind": "Folder", "metadata": {"name": "x"}, "spec": spec}
    return Document("Folder", "x", "id", data, comments=comments)


def read_back(text: str) -> list[Any]:
    parsed = parse_documents(text, "test.yaml")
    assert parsed.problems == ()
    return [d.data for d in parsed.documents]


def test_hand_written_shape_with_block_scalars_and_comments() -> None:
    long = "Every invoice over the limit goes to a person before it is paid " * 3
    text = render_documents(
        [
            doc(
                {"sop": "Step one.\n  Indented.\n", "description": long.strip(), "list": ["a"]},
                comments=("Schedules:", "  - daily at 09:00"),
            ),
            doc({}),
        ]
    )
    lines = text.splitlines()
    assert lines[:3] == ["# Schedules:", "#   - daily at 09:00", "apiVersion: duvoform/v1"]
    assert "  sop: |\n    Step one.\n      Indented.\n" in text
    assert "  description: >-\n" in text
    assert all(len(line) <= FOLD_AT + 8 for line in lines if not line.startswith("#"))
    assert "  list:\n    - a\n" in text
    assert "---\n" in text
    assert "spec: {}" in text
    assert read_back(text)[0]["spec"]["description"] == long.strip()


def test_strings_a_yaml_1_1_reader_would_misread_are_quoted() -> None:
    values = ["yes", "on", "Off", "0777", "1e3", "~", "null", "2026-01-01", "12:30"]
    text = render_documents([doc({"values": values, "yes": "no"})])
    assert read_back(text)[0]["spec"] == {"values": values, "yes": "no"}


def test_control_characters_and_line_separators_are_escaped() -> None:
    value = "a\x1b[31mred\u2028next\x85line\ufeff"
    text = render_documents([doc({"value": value, "sop": "line\x1b\nline"})])
    assert "\x1b" not in text
    assert "\u2028" not in text
    assert read_back(text)[0]["spec"] == {"value": value, "sop": "line\x1b\nline"}


text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200
) | st.sampled_from(["  lead", "trail  ", "a\n\n", "\n", " \n x", "\t\ttab\n", "# not", "- x"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(text_values, text_values | st.lists(text_values, max_size=3), max_size=4))
def test_any_text_reads_back_exactly(spec: dict[str, Any]) -> None:
    # Text that templating would render ({{, {% or {#) is written escaped, so the contract is
    # that loading (which renders templates) gives the text back, not the raw YAML.
    [data] = read_back(render_documents([doc(spec)]))
    assert TemplateRenderer({}).render_in_place(data) == []
    assert data == doc(spec).data


def test_template_markers_are_written_escaped_and_render_back() -> None:
    for value in ["{%", "{{ x }}", "a{#b", "{% raw %}x{% endraw %}"]:
        [data] = read_back(render_documents([doc({"a": value})]))
        assert data["spec"]["a"] != value
        assert TemplateRenderer({}).render_in_place(data) == []
        assert data["spec"]["a"] == value
