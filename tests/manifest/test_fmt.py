"""The canonical layout: key order from the schema, indentation, literal blocks, and
everything else (comments, templates, styles, quotes) kept exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duvoform.errors import ManifestError
from duvoform.kinds.document import Document
from duvoform.manifest.fmt import format_paths, format_text
from duvoform.manifest.yamlout import render_documents

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"

MESSY = """\
# Invoice triage, as someone typed it.
kind: Assignment   # the kind
apiVersion: duvoform/v1
spec:
    build:
        sop: "Read the invoice.\\nRoute it to {{ vars.team }}.\\n"
        revision_name: 'Release {{ vars.release }}'
        model: claude-sonnet-4-6   # the agent model
        skills:
        - pdf-reader
    folder: Finance
metadata:
    labels: {zeta: z, alpha: a}
    name: Invoice triage
"""

TIDY = """\
# Invoice triage, as someone typed it.
apiVersion: duvoform/v1
kind: Assignment   # the kind
metadata:
  name: Invoice triage
  labels: {zeta: z, alpha: a}
spec:
  folder: Finance
  build:
    model: claude-sonnet-4-6       # the agent model
    sop: |
      Read the invoice.
      Route it to {{ vars.team }}.
    skills:
      - pdf-reader
    revision_name: 'Release {{ vars.release }}'
"""


def test_messy_manifest_gets_the_canonical_layout() -> None:
    # end-of-line comments keep their column, so comments aligned in a column stay aligned
    assert format_text(MESSY) == TIDY


def test_formatting_is_idempotent() -> None:
    assert format_text(TIDY) == TIDY


def test_connection_spec_follows_the_branch_of_its_union() -> None:
    text = """\
kind: Connection
metadata: {name: Inbox}
spec:
  shared: true
  oauth: {provider: gmail, flow: native}
apiVersion: duvoform/v1
---
apiVersion: duvoform/v1
kind: Connection
metadata: {name: MCP}
spec:
  headers:
    secret: {Authorization: {file: token.txt}}
    plaintext: {X-B: b, X-A: a}
  server_url: https://mcp.example.com
  type: custom_mcp
"""
    assert (
        format_text(text)
        == """\
apiVersion: duvoform/v1
kind: Connection
metadata: {name: Inbox}
spec:
  oauth: {flow: native, provider: gmail}
  shared: true
---
apiVersion: duvoform/v1
kind: Connection
metadata: {name: MCP}
spec:
  type: custom_mcp
  server_url: https://mcp.example.com
  headers:
    plaintext: {X-B: b, X-A: a}
    secret: {Authorization: {file: token.txt}}
"""
    )


def test_unknown_keys_and_kinds_keep_their_order_after_the_known_ones() -> None:
    text = """\
spec: {z: 1, a: 2}
extra: true
kind: Gadget
apiVersion: duvoform/v1
---
apiVersion: duvoform/v1
kind: Folder
spec: {zz: 1, parent: Finance}
metadata: {name: Reports}
"""
    assert (
        format_text(text)
        == """\
apiVersion: duvoform/v1
kind: Gadget
spec: {z: 1, a: 2}
extra: true
---
apiVersion: duvoform/v1
kind: Folder
metadata: {name: Reports}
spec: {parent: Finance, zz: 1}
"""
    )


def test_text_that_is_not_yaml_is_reported_where_it_is() -> None:
    with pytest.raises(ManifestError) as caught:
        format_text("kind: [Folder\n", "m/bad.yaml")
    assert caught.value.render().startswith("m/bad.yaml:2:1: YAML syntax error")


def test_a_file_of_comments_only_is_left_alone() -> None:
    assert format_text("# nothing yet\n") == "# nothing yet\n"


def test_the_examples_are_formatted() -> None:
    files = format_paths([EXAMPLES])
    assert len(files) == 5  # the var files under environments/ are settings, not manifests
    assert [file.shown for file in files if file.changed] == []


def test_problems_in_every_file_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("kind: [Folder\n")
    (tmp_path / "b.yaml").write_text("kind:\n\tname: x\n")
    with pytest.raises(ManifestError) as caught:
        format_paths([tmp_path])
    assert [problem.location.line for problem in caught.value.problems if problem.location] == [
        2,
        2,
    ]


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80
) | st.sampled_from(
    ["line one\nline two\n", "{{ vars.x }}", "yes", "0777", "- x", "# not", "  lead\n"]
)


@settings(max_examples=150, deadline=None)
@given(
    name=texts.filter(bool),
    labels=st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), texts, max_size=3),
    sop=texts.filter(bool),
    skills=st.lists(texts, max_size=3),
)
def test_what_import_writes_is_already_formatted(
    name: str, labels: dict[str, str], sop: str, skills: list[str]
) -> None:
    data: dict[str, Any] = {
        "apiVersion": "duvoform/v1",
        "kind": "Assignment",
        "metadata": {"name": name, "labels": labels},
        "spec": {"build": {"model": "m", "sop": sop, "skills": skills}},
    }
    text = render_documents([Document("Assignment", name, "id", data, comments=("imported",))])
    assert format_text(text) == text


def test_comments_around_document_markers_are_kept() -> None:
    text = (
        "# above the first marker\n---\nkind: Folder\napiVersion: duvoform/v1\n"
        "metadata: {name: A}\n# between\n---\n# second\napiVersion: duvoform/v1\nkind: Folder\n"
        "metadata: {name: B}\n# end\n"
    )
    assert format_text(text) == (
        "# above the first marker\napiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: A}\n"
        "# between\n---\n# second\napiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: B}\n"
        "# end\n"
    )


def test_comment_lines_are_indented_like_the_line_below_them_but_sop_lines_are_text() -> None:
    text = """\
apiVersion: duvoform/v1
kind: Assignment
metadata:
      # the name
    name: A
spec:
    build:
        model: m
        # the SOP
        sop: |
          # Step 1: not a comment
            # nor this
          Do it.
"""
    assert (
        format_text(text)
        == """\
apiVersion: duvoform/v1
kind: Assignment
metadata:
  # the name
  name: A
spec:
  build:
    model: m
    # the SOP
    sop: |
      # Step 1: not a comment
        # nor this
      Do it.
"""
    )
