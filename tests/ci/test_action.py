"""The composite action (action.yml), run through the example workflow that uses it.

The action's ``run:`` steps run for real with bash, as GitHub runs a composite action: its
install step makes its own virtual environment and installs duvoform from the action's
checkout (this repository), then duvoform runs against the emulator and comments go to a fake
GitHub API. See ``tests/ci/actions.py`` for what is stood in for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.ci.conftest import SNOWFLAKE_TOKEN, GitHubHarness, plan_file_document
from tests.ci.test_github_workflows import (
    APPLY_MARKER,
    HEAD_1,
    MERGED,
    PLAN_MARKER,
    assert_no_secrets,
)


@pytest.fixture
def github(github: GitHubHarness) -> GitHubHarness:
    # The session's toolchain ran the action's install step for real (a new virtual
    # environment, pip install of this checkout); here every use of the action finds that
    # install, as a second use in one job does, which keeps these tests fast.
    github.fresh_python = False
    return github


def workflow(github: GitHubHarness) -> Path:
    return github.repo / "action-workflow.yml"


def test_action_plans_a_pull_request_and_applies_main(github: GitHubHarness) -> None:
    job = github.pull_request(7, HEAD_1).run_job(workflow(github), "plan")
    assert job.ran
    assert not job.failed, job.log
    outputs = job.step("plan").outputs
    assert outputs["exit-code"] == "2"
    assert outputs["has-changes"] == "true"
    plan_file = Path(outputs["plan-file"])
    assert plan_file.is_absolute()
    assert plan_file_document(plan_file)["plan"]["summary"]["create"] == 5
    assert job.artifacts["duvoform-plan"] == [plan_file]
    assert "Plan: 5 to create" in Path(outputs["output-file"]).read_text("utf-8")
    (comment,) = github.forge.comments[7]
    assert str(comment["body"]).startswith(Path(outputs["comment-file"]).read_text("utf-8"))
    assert str(comment["body"]).startswith(PLAN_MARKER)
    assert job.summary.startswith("## duvoform plan\n\n<pre>\n")
    assert github.emulator.stats()["writes"] == 0

    github.forge.merged(MERGED, pr=7)
    job = github.push(MERGED).run_job(workflow(github), "apply")
    assert not job.failed, job.log
    assert job.step("plan").outputs["has-changes"] == "true"
    assert job.step("apply").outputs["exit-code"] == "0"
    assert "duvoform is installed already" in job.step("plan").log
    names = sorted(a["name"] for a in github.emulator.state()["agents"])
    assert names == ["Invoice triage", "Vendor lookup"]
    assert "## duvoform apply\n\n<pre>\n" in job.summary
    assert "Apply complete: " in job.summary
    assert {p.name for p in job.artifacts["duvoform-apply"]} == {"plan.json", "output.txt"}
    assert len(github.forge.comments[7]) == 1  # no apply comment when apply works
    assert_no_secrets(github, job)

    # Nothing left to do: the apply step is skipped.
    job = github.push(MERGED).run_job(workflow(github), "apply")
    assert job.step("plan").outputs == job.step("plan").outputs | {
        "exit-code": "0",
        "has-changes": "false",
    }
    assert job.step("apply").outcome == "skipped"


def test_action_apply_failure_comments_on_the_merged_pr(github: GitHubHarness) -> None:
    github.forge.merged(MERGED, pr=9)
    github.secrets.pop("SNOWFLAKE_MCP_TOKEN")
    job = github.push(MERGED).run_job(workflow(github), "apply")
    assert job.failed
    assert job.step("apply").outcome == "failure"
    assert job.step("apply").outputs["exit-code"] == "1"
    assert ("error", "exit code 1; see the errors above") in job.annotations
    assert ":x: **duvoform apply failed** (exit code 1)." in job.summary
    (comment,) = github.forge.comments[9]
    body = str(comment["body"])
    assert body.startswith(f"{APPLY_MARKER}\n\n## :x: duvoform apply failed")
    assert "SNOWFLAKE_MCP_TOKEN is set but empty" in body
    assert github.emulator.stats()["writes"] == 0
    github.secrets["SNOWFLAKE_MCP_TOKEN"] = SNOWFLAKE_TOKEN
    assert_no_secrets(github, job)


def test_action_validate_with_quoted_args(github: GitHubHarness, tmp_path: Path) -> None:
    # A job of its own: validate, with extra arguments that need shell-like splitting.
    (github.repo / "manifests" / "team.yaml").write_text(
        (github.repo / "manifests" / "team.yaml")
        .read_text("utf-8")
        .replace("model: claude-sonnet-4-6\n    sop: |", "model: '{{ vars.model }}'\n    sop: |"),
        "utf-8",
    )
    steps = [
        {
            "uses": "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
            "with": {"persist-credentials": False},
        },
        {
            "id": "check",
            "uses": "./",
            "with": {
                "command": "validate",
                "path": "manifests\n",
                "args": "--var 'model=claude sonnet 4.6' --var release=1",
            },
        },
    ]
    file = tmp_path / "validate.yml"
    file.write_text(yaml.safe_dump({"on": "push", "jobs": {"check": {"steps": steps}}}), "utf-8")
    job = github.push(MERGED).run_job(file, "check")
    assert not job.failed, job.log
    assert job.step("check").outputs["exit-code"] == "0"
    output = Path(job.step("check").outputs["output-file"]).read_text("utf-8")
    assert output.startswith("Valid: 5 resources")
    assert job.step("check").outputs["plan-file"] == ""
