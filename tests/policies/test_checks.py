from __future__ import annotations

from pathlib import Path

import pytest

from tests.policies.helpers import root_with, validate

APPROVED = """\
  - name: approved-models
    message: Agents must run an approved model
    kinds: [Assignment]
    rule: "object.spec.build.model in ['claude-sonnet-4-6', 'claude-opus-4-7']"
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_an_error_finding_is_a_problem_at_the_document(tmp_path: Path) -> None:
    result = validate(root_with(tmp_path, APPROVED))
    assert result.exit_code == 1
    assert result.stderr == (
        'team.yaml:15:1: Assignment "Audit": policy "approved-models": Agents must run an '
        "approved model\n1 problem found\n"
    )


def test_a_warning_finding_is_printed_and_validate_passes(tmp_path: Path) -> None:
    result = validate(root_with(tmp_path, APPROVED + "    severity: warning\n"))
    assert result.exit_code == 0
    assert result.stderr == (
        'warning: team.yaml:15:1: Assignment "Audit": policy "approved-models": Agents must '
        "run an approved model\n"
    )


def test_kinds_filters_and_defaults_are_applied(tmp_path: Path) -> None:
    # slack_enabled is left out of every manifest: its default (false) is what the rule sees.
    policies = (
        "  - name: quiet\n    kinds: [Assignment]\n    rule: '!object.spec.slack_enabled'\n"
        "  - name: named\n    rule: size(object.metadata.name) > 1\n"
    )
    result = validate(root_with(tmp_path, policies))
    assert (result.exit_code, result.stderr) == (0, "")


def test_without_a_message_the_finding_quotes_the_rule(tmp_path: Path) -> None:
    result = validate(
        root_with(tmp_path, "  - name: short\n    rule: size(object.metadata.name) < 6\n")
    )
    assert result.exit_code == 1
    assert (
        'team.yaml:5:1: Assignment "Cash report": policy "short": the rule '
        '"size(object.metadata.name) < 6" is false' in result.stderr
    )


def test_a_rule_reading_a_missing_field_is_one_error_at_its_line(tmp_path: Path) -> None:
    policies = (
        "  - name: sop-files\n    kinds: [Assignment]\n    rule: object.spec.build.sop_file != ''\n"
    )
    result = validate(root_with(tmp_path, policies))
    assert result.exit_code == 1
    assert result.stderr == (
        'duvoform.yaml:4:11: policies[0].rule: policy "sop-files" could not be evaluated for '
        'Assignment "Cash report": it reads the field "sop_file", which this object does not '
        "have; test fields that may be left out with has() first, e.g. "
        "has(object.spec.build.sop_file)\n1 problem found\n"
    )


def test_has_guards_an_optional_field(tmp_path: Path) -> None:
    policies = (
        "  - name: sop-files\n    kinds: [Assignment]\n"
        "    rule: \"!has(object.spec.build.sop_file) || object.spec.build.sop_file != ''\"\n"
    )
    assert validate(root_with(tmp_path, policies)).exit_code == 0


def test_a_rule_giving_no_bool_at_run_time_is_an_error_at_its_line(tmp_path: Path) -> None:
    policies = "  - name: odd\n    rule: object.metadata.name\n"
    result = validate(root_with(tmp_path, policies))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        'duvoform.yaml:3:11: policies[0].rule: policy "odd" could not be evaluated for Folder '
        '"Finance": a rule must be true or false, but this one gave string'
    )


def test_one_broken_rule_does_not_hide_the_others(tmp_path: Path) -> None:
    policies = APPROVED + "  - name: broken\n    rule: object.nope\n"
    result = validate(root_with(tmp_path, policies))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith('duvoform.yaml:7:11: policies[1].rule: policy "broken"')
    assert lines[1].startswith('team.yaml:15:1: Assignment "Audit": policy "approved-models"')
    assert lines[2] == "2 problems found"
