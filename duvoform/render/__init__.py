"""Plan renderers: pure functions from a ``Plan`` to something the CLI prints.

- ``render_text`` (``text.render_plan``): a rich ``Text`` for terminals; ``render_text_plain``
  gives the same as a plain string.
- ``render_markdown`` (``markdown.render_plan``): a pull-request comment, size-bounded.
- ``render_json`` (``plan_json.render_plan``): the ``plan --format json`` contract document.

Every renderer shows secret headers only as references (``redact``) and shows long text such
as an SOP as a line diff (``textdiff``).
"""

from __future__ import annotations

from duvoform.render.markdown import render_plan as render_markdown
from duvoform.render.plan_json import render_plan as render_json
from duvoform.render.text import render_plan as render_text
from duvoform.render.text import render_plan_plain as render_text_plain

__all__ = ["render_json", "render_markdown", "render_text", "render_text_plain"]
