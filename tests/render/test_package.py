from __future__ import annotations

import duvoform.render as render
from duvoform.render import markdown, plan_json, text


def test_public_api() -> None:
    assert render.__all__ == ["render_json", "render_markdown", "render_text", "render_text_plain"]
    assert render.render_json is plan_json.render_plan
    assert render.render_markdown is markdown.render_plan
    assert render.render_text is text.render_plan
    assert render.render_text_plain is text.render_plan_plain
