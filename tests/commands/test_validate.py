from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli
from tests.manifest.helpers import assignment, docs, folder, make_project

REPO = Path(__file__).parents[2]
EXAMPLES = REPO / "examples" / "manifests"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("env", [None, "staging", "production"])
def test_examples_validate(env: str | None) -> None:
    args = ["validate", str(EXAMPLES)] + (["--env", env] if env else [])
    code, out, err = run(*args)
    where = f" (environment {env})" if env else ""
    assert (code, err) == (0, "")
    assert (
        out == f"Valid: 23 resources (10 Assignment, 5 Connection, 8 Folder) in 5 files{where}.\n"
    )


def test_validate_runs_as_a_real_process_without_an_api_key() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "duvoform", "validate", "examples/manifests"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Valid: 23 resources")


def test_defaults_to_the_project_root_and_prints_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(
        tmp_path,
        {
            "duvoform.yaml": "vars: {}\n",
            "a.yaml": docs(folder("F"), assignment("A", build="    model: gpt-4.l\n    sop: x\n")),
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run("validate")
    assert code == 0
    assert out == "Valid: 2 resources (1 Assignment, 1 Folder) in 1 file.\n"
    assert err == (
        'warning: a.yaml:11:12: Assignment "A": spec.build.model: "gpt-4.l" is not a model '
        'duvoform knows; did you mean "gpt-4.1"? (unknown models are allowed)\n'
    )


def test_var_and_var_file_options_feed_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(
        tmp_path,
        {
            "m/a.yaml": assignment(
                "A {{ vars.team }}", build="    model: '{{ vars.model }}'\n    sop: x\n"
            ),
            "vars.yaml": "model: gpt-5\nteam: file\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run("validate", "m", "--var-file", "vars.yaml", "--var", "team=cli")
    assert (code, out, err) == (0, "Valid: 1 resource (1 Assignment) in 1 file.\n", "")
    code, _, err = run("validate", "m", "--var", "model=gpt-5")
    assert code == 1
    assert err == (
        'm/a.yaml:4:9: Assignment "A {{ vars.team }}": metadata.name: template: undefined '
        "variable vars.team\n1 problem found\n"
    )


def test_malformed_var_is_a_usage_error_that_does_not_echo_the_value() -> None:
    result = CliRunner().invoke(cli, ["validate", "--var", "sk-live-secret"])
    assert result.exit_code == 2
    assert "expected KEY=VALUE" in result.stderr
    assert "sk-live-secret" not in result.stderr


def test_graph_problems_are_reported_after_a_clean_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, {"a.yaml": assignment("A", spec="  folder: Nowhere\n")})
    monkeypatch.chdir(tmp_path)
    code, out, err = run("validate", ".")
    assert (code, out) == (1, "")
    assert err == 'a.yaml:6:11: Assignment "A": spec.folder: no Folder "Nowhere"\n1 problem found\n'
