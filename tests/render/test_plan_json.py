from __future__ import annotations

import json

import pytest

from duvoform.engine.plan import Action, Change, FieldChange, Plan
from duvoform.render.plan_json import CONTRACT_KEYS, render_plan
from tests.render import plans
from tests.render.golden import assert_golden

CHANGE_KEYS = [
    "address",
    "kind",
    "name",
    "action",
    "fields",
    "requests",
    "depends_on",
    "notes",
    "live_id",
]
SUMMARY_KEYS = ["create", "update", "build", "delete", "authorize", "unchanged"]


@pytest.mark.parametrize("name", sorted(plans.GOLDEN_PLANS))
def test_golden(name: str) -> None:
    assert_golden(f"{name}.json", render_plan(plans.GOLDEN_PLANS[name]()))


def test_one_document_with_exactly_the_contract_keys() -> None:
    text = render_plan(plans.everything())
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    doc = json.loads(text)
    assert list(doc) == ["format_version", "summary", "changes", "warnings", "notes"]
    assert list(doc) == list(CONTRACT_KEYS)
    assert doc["format_version"] == 1
    assert list(doc["summary"]) == SUMMARY_KEYS
    assert doc["summary"] == {
        "create": 2,
        "update": 1,
        "build": 1,
        "delete": 1,
        "authorize": 1,
        "unchanged": 7,
    }
    for change in doc["changes"]:
        assert list(change) == CHANGE_KEYS
        for field in change["fields"]:
            assert list(field) == ["path", "before", "after"]
        for request in change["requests"]:
            assert list(request) == ["method", "path"]
            assert request["path"].startswith("/v1/")
    assert doc["warnings"] == list(plans.everything().warnings)


def test_changes_stay_in_execution_order() -> None:
    plan = plans.everything()
    doc = json.loads(render_plan(plan))
    assert [c["address"] for c in doc["changes"]] == [c.address for c in plan.changes]


def test_two_space_indent() -> None:
    lines = render_plan(plans.rename_and_move()).splitlines()
    assert lines[0] == "{"
    assert lines[1] == '  "format_version": 1,'


def test_key_order_inside_values_does_not_depend_on_input_order() -> None:
    def plan(value: dict[str, object]) -> Plan:
        change = Change("Connection", "C", Action.UPDATE, fields=(FieldChange("x", None, value),))
        return Plan(changes=(change,), extra={"zeta": 1, "alpha": {"b": 1, "a": 2}})

    one = render_plan(plan({"b": 1, "a": {"d": 1, "c": 2}}))
    two = render_plan(plan({"a": {"c": 2, "d": 1}, "b": 1}))
    assert one == two
    doc = json.loads(one)
    assert list(doc)[-2:] == ["alpha", "zeta"]
    assert list(doc["alpha"]) == ["a", "b"]


def test_empty_plan() -> None:
    doc = json.loads(render_plan(plans.empty()))
    assert doc["changes"] == []
    assert doc["summary"]["unchanged"] == 7
    assert set(doc["summary"].values()) == {0, 7}
