"""The markdown pieces the plan comment and the drift issue share."""

from __future__ import annotations

from duvoform.engine.plan import FieldChange
from duvoform.render.mdtext import code, escape, fenced_diff


def test_escape() -> None:
    assert escape("a|b <c> & @d #1 $x$ *e* _f_ `g` [h] ~i~ \\") == (
        "a&#124;b &#60;c&#62; &amp; &#64;d &#35;1 &#36;x&#36; &#42;e&#42; &#95;f&#95; "
        "&#96;g&#96; &#91;h&#93; &#126;i&#126; &#92;"
    )
    assert escape("line\nbreak") == "line&#92;nbreak"
    assert code("a|b") == "<code>a&#124;b</code>"


def test_a_fence_outlasts_the_backticks_inside_and_long_diffs_are_cut() -> None:
    field = FieldChange("sop", "one\n```\nthree\n", "one\n````\nthree\nfour\n")
    block = fenced_diff(field, "Diff of sop", diffs=True, max_lines=200, where="comment")
    assert block.startswith("Diff of sop:\n\n`````diff\n@@ ")
    assert block.endswith("\n`````")
    cut = fenced_diff(field, "Diff", diffs=True, max_lines=2, where="comment")
    assert cut.splitlines()[-2].startswith("... ")
    assert "more lines not shown here" in cut
    left_out = fenced_diff(field, "Diff of sop", diffs=False, max_lines=200, where="issue")
    assert left_out.startswith("Diff of sop left out: ")
    assert left_out.endswith(" lines, too long for this issue.")
