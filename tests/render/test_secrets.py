"""No renderer shows a secret header value, whatever shape the plan gives it."""

from __future__ import annotations

import pytest

from duvoform.engine.plan import Action, Change, FieldChange, Plan
from duvoform.redact import REDACTED
from duvoform.render import render_json, render_markdown, render_text_plain

CANARY = "canary-secret-7f3a9"


def leaky_plan() -> Plan:
    fields = (
        FieldChange("headers.secret.Authorization", f"Bearer {CANARY}", {"env": "TOKEN"}),
        FieldChange("headers", None, {"secret": {"X-Key": CANARY}, "plaintext": {"X-Org": "a"}}),
        FieldChange("spec.headers.secret", {"X-Key": f"{CANARY}\nline two"}, {"X-Key": ""}),
        FieldChange("headers.secret.X-Multi", f"one\n{CANARY}\n", None),
    )
    changes = tuple(
        Change("Connection", f"C-{action.value}", action, fields=fields) for action in Action
    )
    return Plan(changes=changes, extra={"connections": {"headers": {"secret": {"K": CANARY}}}})


@pytest.mark.parametrize(
    "render",
    [
        lambda plan: render_text_plain(plan, verbose=True),
        lambda plan: render_markdown(plan, verbose=True),
        render_json,
    ],
    ids=["text", "markdown", "json"],
)
def test_secret_values_never_appear(render: object) -> None:
    out = render(leaky_plan())  # type: ignore[operator]
    assert CANARY not in out
    assert "TOKEN" in out  # references are still shown
    assert REDACTED in out or "&#42;&#42;&#42;" in out  # the one marker (markdown escapes it)
