"""The expression evaluator the workflow tests rely on (tests/ci/expressions.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ci.expressions import ExpressionError, Status, Strict, condition, interpolate

CONTEXTS: dict[str, Any] = {
    "vars": {"DUVO_API_URL": "http://x"},
    "github": Strict({"event_name": "push", "event": Strict({"number": 7})}),
    "steps": Strict({"plan": {"outputs": {"exitcode": "2"}, "outcome": "success"}}),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${{ vars.DUVO_API_URL || 'https://api.duvo.ai' }}", "http://x"),
        ("${{ vars.MISSING || 'https://api.duvo.ai' }}", "https://api.duvo.ai"),
        ("${{ vars.MISSING }}", None),
        ("group-${{ github.event.number }}", "group-7"),
        ("${{ github.event.number }}\n${{ vars.DUVO_API_URL }}", "7\nhttp://x"),
        ("${{ steps.plan.outputs.exitcode == 2 }}", True),
        ("${{ 'Push' == github.event_name }}", True),
        ("${{ github.event_name == 'push' && 'a' || 'b' }}", "a"),
        ("no expression", "no expression"),
    ],
)
def test_interpolate(text: str, expected: object) -> None:
    assert interpolate(text, CONTEXTS) == expected


@pytest.mark.parametrize(
    ("text", "status", "expected"),
    [
        (None, Status(), True),
        (None, Status(failed=True), False),
        ("steps.plan.outputs.exitcode == '2'", Status(failed=True), False),
        ("${{ !cancelled() }}", Status(failed=True), True),
        ("${{ failure() }}", Status(failed=True), True),
        ("failure() && steps.plan.outcome == 'failure'", Status(failed=True), False),
        ("success() && steps.plan.outcome == 'success'", Status(), True),
    ],
)
def test_condition(text: str | None, status: Status, expected: bool) -> None:
    assert condition(text, CONTEXTS, status) is expected


@pytest.mark.parametrize(
    "text",
    [
        "${{ steps.plna.outputs.x }}",
        "${{ github.event.pull_request.number }}",
        "${{ nope.x }}",
        "${{ format('{0}', 1) }}",
        "${{ a = b }}",
    ],
)
def test_typos_and_unknown_syntax_are_errors(text: str) -> None:
    with pytest.raises(ExpressionError):
        interpolate(text, CONTEXTS)
