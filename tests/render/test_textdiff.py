from __future__ import annotations

import difflib

import pytest
from rich.text import Text

from duvoform.engine.plan import FieldChange
from duvoform.render.textdiff import DiffLine, append_line_diff, is_text_change, line_diff
from tests.render.plans import sop


def test_equal_text_has_no_diff() -> None:
    assert line_diff("a\nb\n", "a\nb\n") == ()
    assert line_diff(None, "") == ()


def test_one_edited_line_in_the_middle() -> None:
    before = sop(60)
    after = sop(60, changed={30: "thirty"})
    lines = line_diff(before, after)
    assert lines[0] == DiffLine("@", "@@ -27,7 +27,7 @@")
    assert [line.tag for line in lines[1:]] == [" ", " ", " ", "-", "+", " ", " ", " "]
    assert lines[5] == DiffLine("+", "thirty")


@pytest.mark.parametrize("context", [0, 1, 3, 5])
def test_same_lines_as_difflib_unified_diff(context: int) -> None:
    before = sop(50)
    after = sop(50, changed={3: "x", 20: "y", 21: "z", 49: "w"}) + "extra\n"
    ours = [str(line) for line in line_diff(before, after, context=context)]
    theirs = list(
        difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=context)
    )[2:]
    assert ours == theirs


def test_new_and_removed_text() -> None:
    assert [str(line) for line in line_diff(None, "a\nb")] == ["@@ -0,0 +1,2 @@", "+a", "+b"]
    assert [str(line) for line in line_diff("a", None)] == ["@@ -1 +0,0 @@", "-a"]


def test_line_ending_only_change_is_not_silent() -> None:
    lines = line_diff("a\nb", "a\r\nb\n")
    assert len(lines) == 1
    assert lines[0].tag == "\\"
    assert str(lines[0]).startswith("\\ only line endings")


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (FieldChange("build.sop", "a", "b"), True),
        (FieldChange("sop", None, "one line"), True),
        (FieldChange("build.SOP", "a", None), True),
        (FieldChange("description", "one", "two\nlines"), True),
        (FieldChange("description", "one", "two"), False),
        (FieldChange("build.sop", None, None), False),
        (FieldChange("build.sop", {"file": "x"}, "a"), False),
        (FieldChange("build.sop_file", "a.md", "b.md"), False),
        (FieldChange("name", "a\n", "b"), False),
    ],
)
def test_is_text_change(field: FieldChange, expected: bool) -> None:
    assert is_text_change(field) is expected


def test_text_past_the_line_limit_is_summarised_not_diffed() -> None:
    from duvoform.render.textdiff import MAX_DIFF_LINES

    before = "".join(f"step {n}\n" for n in range(MAX_DIFF_LINES + 5))
    after = before.replace("step 7\n", "step seven\n") + "one more\n"
    assert line_diff(before, after) == (
        DiffLine(
            "\\",
            "too large for a line diff: 20,005 lines before, 20,006 after; "
            "2 lines added, 1 removed",
        ),
    )


def test_text_past_the_size_limit_is_summarised_not_diffed() -> None:
    from duvoform.render.textdiff import MAX_DIFF_CHARS

    before = "x" * (MAX_DIFF_CHARS + 1)
    (line,) = line_diff(before, before + "\ny")
    assert line.text == "too large for a line diff: 1 line before, 2 after; 1 line added, 0 removed"


def test_append_line_diff_indents_and_colours_each_line() -> None:
    out = Text()
    append_line_diff(out, FieldChange("build.sop", "a\nb\n", "a\nc\n"), "    ")
    assert out.plain.splitlines() == [
        "    build.sop:",
        "      @@ -1,2 +1,2 @@",
        "       a",
        "      -b",
        "      +c",
    ]
    styles = {out.plain[span.start : span.end]: span.style for span in out.spans}
    assert (styles["-b"], styles["+c"]) == ("red", "green")


def test_text_whose_lines_repeat_is_diffed_without_matching_every_copy() -> None:
    # A blank line between steps: the matcher used to compare every pair of blank lines.
    before = "\n\n".join(f"Step {n}: check invoice {n * 7919 % 10007}" for n in range(2000))
    after = "\n\n".join(f"Step {n}: check invoice {n * 104729 % 10007}" for n in range(2000))
    lines = line_diff(before, after)
    assert lines[0].tag == "@"
    assert sum(line.tag == "+" for line in lines) >= 1999


def test_lines_repeated_too_often_to_match_are_summarised() -> None:
    # 120 distinct lines, each in fewer than 1% of 18,000 (so none is junk): matching them
    # would compare 120 * 150 * 150 = 2.7 million pairs.
    before = "\n".join(f"line {n % 120}" for n in range(18_000))
    after = "\n".join(f"line {n * 7 % 120}" for n in range(1, 18_001))
    (line,) = line_diff(before, after)
    assert line.tag == "\\"
    assert line.text.startswith("too large for a line diff: 18,000 lines before")
