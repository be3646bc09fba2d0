from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from duvoform.engine.plan import Action, Change, FieldChange, Plan
from duvoform.render import markdown
from duvoform.render.markdown import MARKER, render_plan
from tests.render import plans
from tests.render.golden import assert_golden

FENCE = re.compile(r"^(`{3,})(.*)$")


def to_html(text: str) -> str:
    html: str = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    return html


def check_balanced(text: str) -> None:
    """Every code fence closes, and ``<details>`` opens and closes outside fences only."""
    fence: str | None = None
    depth = 0
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                continue
            depth += line.count("<details") - line.count("</details>")
            assert depth in (0, 1), line
        elif match and match.group(1).startswith(fence) and not match.group(2).strip():
            fence = None
    assert fence is None, "a code fence is left open"
    assert depth == 0, "a <details> is left open"


@pytest.mark.parametrize("name", sorted(plans.GOLDEN_PLANS))
def test_golden(name: str) -> None:
    text = render_plan(plans.GOLDEN_PLANS[name]())
    check_balanced(text)
    assert_golden(f"{name}.md", text)


def test_golden_verbose_with_title() -> None:
    text = render_plan(plans.everything(), title="Plan for production", verbose=True)
    assert_golden("everything.verbose.md", text)


def test_starts_with_the_sticky_comment_marker() -> None:
    for make in plans.GOLDEN_PLANS.values():
        assert render_plan(make()).startswith(MARKER + "\n")


def test_header_has_summary_table_and_delete_callout_first() -> None:
    text = render_plan(plans.everything())
    html = to_html(text)
    assert '<td><code>-</code> delete</td>\n<td style="text-align:right">1</td>' in html
    assert '<td>unchanged</td>\n<td style="text-align:right">7</td>' in html
    callout = text.index("This plan deletes 1 resource:")
    assert callout < text.index("<details")
    first_block = text[text.index("<details") :]
    assert first_block.startswith(
        "<details open><summary><code>-</code> <code>Folder/Old stuff</code>"
    )


def test_no_delete_callout_without_deletes() -> None:
    assert "This plan deletes" not in render_plan(plans.rename_and_move())


def test_delete_callout_lists_at_most_twenty() -> None:
    changes = tuple(Change("Folder", f"F{n}", Action.DELETE) for n in range(25))
    text = render_plan(Plan(changes=changes))
    assert "**This plan deletes 25 resources:**" in text
    assert "<code>Folder/F19</code> and 5 more." in text
    assert "<code>Folder/F20</code>," not in text.split("\n\n### ")[0]


def test_sop_diff_is_a_diff_fence_with_context_only() -> None:
    text = render_plan(plans.build_sop_edit())
    body = text.split("```diff\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert body[0] == "@@ -27,7 +27,7 @@"
    assert len(body) == 9
    assert body[4] == "-30. Check the invoice against purchase order rule 30."
    assert body[5] == "+30. Escalate any invoice above 10,000 EUR to a person."


def test_specials_render_as_text_not_markup() -> None:
    text = render_plan(plans.specials())
    html = to_html(text)
    assert "<script" not in html
    assert "<img" not in html
    assert "<strong>bold" not in html
    assert "<em>it" not in html
    assert 'href="http://x"' not in html
    assert "<b>html" not in html
    # escaped characters come back as themselves: as entities in raw HTML (the summary line)
    # and re-encoded by the markdown renderer elsewhere
    assert "<code>Assignment/&#60;script&#62;alert(1)&#60;/script&#62;</code>" in html
    assert "<strong>Warning:</strong> &lt;img src=x onerror=alert(1)&gt;" in html
    assert "<td><code>&quot;A | B&quot;</code></td>" in html
    assert "<code>&quot;**bold** _it_ `code` [link](http://x) @team #1 $x$&quot;</code>" in html
    # a table row keeps its columns although values contain pipes
    row = next(line for line in text.splitlines() if line.startswith("| <code>folder"))
    assert row.count("|") == 3
    assert "\x1b" not in text
    assert "\u202e" not in text


def test_fence_in_sop_cannot_close_the_diff_block() -> None:
    text = render_plan(plans.specials())
    check_balanced(text)
    assert "`````diff\n" in text
    html = to_html(text)
    assert '<pre><code class="language-diff">@@ -1,4 +1,4 @@\n Intro\n-```\n+````\n code' in html


def test_large_plan_is_truncated_cleanly() -> None:
    plan = plans.many(2000)
    text = render_plan(plan)
    assert len(text) <= 65_000
    check_balanced(text)
    shown = text.count("<details")
    assert 0 < shown < 2000
    notice = text.rstrip("\n").splitlines()[-1]
    assert notice.startswith(f"> :scissors: **{2000 - shown:,} of 2,000 changes are not shown**")
    assert "CI job summary or the plan artifact" in notice


@pytest.mark.parametrize("max_chars", [3_000, 5_000, 8_000, 13_000, 21_000])
def test_every_limit_is_respected(max_chars: int) -> None:
    text = render_plan(plans.many(60), max_chars=max_chars)
    assert len(text) <= max_chars
    check_balanced(text)
    notice = re.search(r"\*\*(\d+) of 60 changes are not shown\*\*", text)
    left_out = int(notice.group(1)) if notice else 0
    assert text.count("<details") + left_out == 60


def test_a_plan_that_fits_exactly_is_not_truncated() -> None:
    changes = tuple(
        Change("Folder", f"F{n}", Action.CREATE, fields=(FieldChange("parent", None, "P"),))
        for n in range(12)
    )
    plan = Plan(changes=changes)
    full = render_plan(plan, max_chars=10**9)
    assert "not shown" not in full
    assert render_plan(plan, max_chars=len(full)) == full
    cut = render_plan(plan, max_chars=len(full) - 1)
    assert len(cut) <= len(full) - 1
    check_balanced(cut)
    shown = cut.count("<details")
    assert shown < 12
    assert f"**{12 - shown} of 12 changes are not shown**" in cut


def test_a_huge_diff_is_left_out_but_the_change_is_shown() -> None:
    before = plans.sop(3000)
    after = "\n".join(f"rewritten {n}" for n in range(3000))
    plan = Plan(
        changes=(
            Change(
                "Assignment", "Big", Action.BUILD, fields=(FieldChange("build.sop", before, after),)
            ),
            Change("Folder", "Small", Action.CREATE, fields=(FieldChange("parent", None, "X"),)),
        )
    )
    text = render_plan(plan, max_chars=6_000)
    assert len(text) <= 6_000
    check_balanced(text)
    assert (
        "Diff of <code>build.sop</code> left out: 6,001 lines, too long for this comment." in text
    )
    assert "<code>Folder/Small</code>" in text
    assert "not shown" not in text


def test_long_diffs_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "MAX_DIFF_LINES", 5)
    text = render_plan(plans.build_sop_edit())
    body = text.split("```diff\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert body == [
        "@@ -27,7 +27,7 @@",
        " 27. Check the invoice against purchase order rule 27.",
        " 28. Check the invoice against purchase order rule 28.",
        " 29. Check the invoice against purchase order rule 29.",
        "-30. Check the invoice against purchase order rule 30.",
        "... 4 more lines not shown here",
    ]


def test_empty_plan() -> None:
    text = render_plan(plans.empty(), title="Staging")
    assert text == f"{MARKER}\n\n## Staging\n\n**No changes. Live state matches the manifests.**\n"


def test_many_warnings_leave_room_for_changes() -> None:
    warnings = tuple(f"Assignment/Unmanaged {n} is not in any manifest" for n in range(5000))
    plan = Plan(changes=plans.creates().changes, warnings=warnings)
    text = render_plan(plan, max_chars=10_000)
    assert len(text) <= 10_000
    check_balanced(text)
    shown = text.count("**Warning:**")
    assert 0 < shown < 5000
    assert f"**{5000 - shown:,} more warnings and notes are not shown here;**" in text
    assert text.count("<details") == 2
