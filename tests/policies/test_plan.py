"""Plan rules through ``plan`` and ``apply`` against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke
from tests.policies.helpers import root_with

NO_CREATES = "  - name: no-creates\n    on: plan\n    message: nothing new today\n"
SMALL_PLANS = (
    "  - name: small-plans\n    on: plan\n    severity: warning\n"
    "    rule: plan.summary.create <= 1\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> None:
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)


def test_an_error_plan_rule_refuses_apply_before_any_write(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    policies = NO_CREATES + "    kinds: [Assignment]\n    rule: change.action != 'create'\n"
    root = root_with(tmp_path, policies)
    emulator.clear_stats()
    result = invoke(emulator, "apply", "--auto-approve", str(root))
    assert result.exit_code == 1
    assert emulator.stats()["writes"] == 0
    assert (
        'team.yaml:5:1: Assignment "Cash report": policy "no-creates": nothing new today\n'
        'team.yaml:15:1: Assignment "Audit": policy "no-creates": nothing new today\n'
    ) in result.stderr
    assert "nothing was written" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_an_error_plan_rule_refuses_the_plan_in_every_format(
    emulator: EmulatorControl, tmp_path: Path, fmt: str
) -> None:
    root = root_with(tmp_path, NO_CREATES + "    rule: change.action != 'create'\n")
    result = invoke(emulator, "plan", "--format", fmt, str(root))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert 'Folder "Finance": policy "no-creates": nothing new today' in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_warning_findings_appear_in_every_plan_format(
    emulator: EmulatorControl, tmp_path: Path, fmt: str
) -> None:
    policies = (
        NO_CREATES
        + "    severity: warning\n    kinds: [Folder]\n    rule: change.action != 'create'\n"
        + SMALL_PLANS
    )
    result = invoke(emulator, "plan", "--format", fmt, str(root_with(tmp_path, policies)))
    assert result.exit_code == 0
    expected = [
        'Folder/Finance: policy "no-creates": nothing new today',
        'policy "small-plans": the rule "plan.summary.create <= 1" is false',
    ]
    if fmt == "json":
        assert json.loads(result.stdout)["warnings"] == expected
    elif fmt == "markdown":
        assert 'policy "small-plans": the rule "plan.summary.create &#60;= 1"' in result.stdout
        assert expected[0] in result.stdout
    else:
        assert all(f"Warning: {line}" in result.stdout for line in expected)


def test_a_plan_rule_reading_a_missing_field_refuses_once_at_its_line(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    policies = "  - name: typo\n    on: plan\n    rule: change.acton != 'delete'\n"
    result = invoke(emulator, "plan", str(root_with(tmp_path, policies)))
    assert result.exit_code == 1
    assert result.stderr.count("typo") == 1
    assert (
        'duvoform.yaml:4:11: policies[0].rule: policy "typo" could not be evaluated for '
        'Folder/Finance: it reads the field "acton"'
    ) in result.stderr


def test_passing_plan_rules_let_apply_write(emulator: EmulatorControl, tmp_path: Path) -> None:
    policies = "  - name: no-deletes\n    on: plan\n    rule: change.action != 'delete'\n"
    result = invoke(emulator, "apply", "--auto-approve", str(root_with(tmp_path, policies)))
    assert result.exit_code == 0, result.stderr
    assert emulator.stats()["writes"] > 0
