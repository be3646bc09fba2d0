from __future__ import annotations

from pathlib import Path

import pytest

from tests.policies.helpers import root_with, validate


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_compile_errors_are_reported_at_their_lines_all_at_once(tmp_path: Path) -> None:
    policies = (
        "  - name: syntax\n    rule: object.spec.(\n"
        "  - name: number\n    rule: 1 + 2\n"
        "  - name: wrong-variable\n    rule: change.action == 'delete'\n"
        "  - name: kinds\n    kinds: [Asignment]\n    rule: 'true'\n"
    )
    result = validate(root_with(tmp_path, policies))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: duvoform.yaml:3:11: policies[0].rule: the rule does not compile: column 13: "
        "Syntax error: no viable alternative at input '.('\n"
        "duvoform.yaml:5:11: policies[1].rule: a rule must be true or false, but this one "
        "gives int\n"
        "duvoform.yaml:7:11: policies[2].rule: the rule does not compile: column 7: "
        "undeclared reference to 'change.action'; a rule with 'on: manifest' sees 'object'\n"
        'duvoform.yaml:9:13: policies[3].kinds[0]: unknown kind "Asignment"; did you mean '
        '"Assignment"? (known kinds: Assignment, Connection, Folder)\n'
    )


def test_a_plan_rule_sees_change_and_plan_not_object(tmp_path: Path) -> None:
    policies = "  - name: p\n    on: plan\n    rule: object.kind == 'Folder'\n"
    result = validate(root_with(tmp_path, policies))
    assert result.exit_code == 1
    assert "a rule with 'on: plan' sees 'change' and 'plan'" in result.stderr


def test_policy_names_are_unique(tmp_path: Path) -> None:
    policies = "  - {name: a, rule: 'true'}\n  - {name: a, rule: 'false'}\n"
    result = validate(root_with(tmp_path, policies))
    assert result.exit_code == 1
    assert (
        'policies: policies[0] and policies[1] are both named "a"; policy names must be unique'
        in result.stderr
    )


def test_unknown_policy_fields_and_severities_are_refused(tmp_path: Path) -> None:
    policies = "  - {name: a, rule: 'true', severity: fatal, rules: x}\n"
    result = validate(root_with(tmp_path, policies))
    assert result.exit_code == 1
    assert 'policies[0].severity: must be "error" or "warning"' in result.stderr
    assert 'policies[0].rules: unknown field; did you mean "rule"?' in result.stderr
