"""The GitLab CI example (examples/ci/gitlab/.gitlab-ci.yml), run job by job.

Each job's scripts run for real with bash (see ``tests/ci/gitlab.py`` for what is not
emulated): duvoform is installed by the job's own ``before_script``, plans and applies go over
HTTP to the emulator, and merge request notes go to a fake GitLab API.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.ci.conftest import (
    SNOWFLAKE_TOKEN,
    Toolchain,
    plan_file_document,
    pull_request_checkout,
)
from tests.ci.forge import GITLAB_TOKEN, Forge
from tests.ci.gitlab import GitLabRunner, rule_matches

PLAN_MARKER = "<!-- duvoform-plan -->"
APPLY_MARKER = "<!-- duvoform-apply -->"
SHA = "d4e5f60718293a4b5c6d7e8f90123456789012ab"
PROTECTED = frozenset({"DUVO_API_KEY", "SNOWFLAKE_MCP_TOKEN"})  # only protected branches get them


class GitLabHarness:
    def __init__(self, repo: Path, forge: Forge, emulator: EmulatorControl, toolchain: Toolchain):
        self.repo = repo
        self.forge = forge
        self.emulator = emulator
        self.toolchain = toolchain
        self.project_variables = {
            "DUVO_API_KEY": emulator.api_key,  # protected, like SNOWFLAKE_MCP_TOKEN
            "DUVO_PLAN_API_KEY": emulator.api_key,
            "DUVO_API_URL": emulator.base_url,
            "DUVOFORM_PACKAGE": str(toolchain.wheel),
            "DUVOFORM_GITLAB_TOKEN": GITLAB_TOKEN,
            "SNOWFLAKE_MCP_TOKEN": SNOWFLAKE_TOKEN,
        }
        # Files the target branch has otherwise than the merge request (None: it lacks them).
        self.base_files: dict[str, str | None] = {}

    def runner(
        self, source: str, *, sha: str = SHA, branch: str | None = None, mr: int | None = None
    ) -> GitLabRunner:
        predefined = {
            "CI_PIPELINE_SOURCE": source,
            "CI_DEFAULT_BRANCH": "main",
            "CI_COMMIT_SHA": sha,
            "CI_COMMIT_SHORT_SHA": sha[:8],
            "CI_API_V4_URL": f"{self.forge.base_url}/api/v4",
            "CI_PROJECT_ID": "42",
            "CI_PIPELINE_URL": "https://gitlab.example.com/acme/duvo-config/-/pipelines/77",
            "CI_JOB_URL": "https://gitlab.example.com/acme/duvo-config/-/jobs/88",
        }
        if branch is not None:
            predefined["CI_COMMIT_BRANCH"] = branch
        if mr is not None:
            predefined["CI_MERGE_REQUEST_IID"] = str(mr)
            predefined["CI_MERGE_REQUEST_TARGET_BRANCH_NAME"] = "main"
            origin = self.repo.parent / "origin.git"
            pull_request_checkout(self.repo, self.base_files, origin=origin)
        self.toolchain.uninstall_duvoform()  # only the job's before_script may install it
        return GitLabRunner(
            self.repo / ".gitlab-ci.yml",
            project_dir=self.repo,
            temp=self.toolchain.fresh_runner_temp(),
            predefined=predefined,
            project_variables=(
                self.project_variables
                if branch == "main"  # the protected default branch
                else {k: v for k, v in self.project_variables.items() if k not in PROTECTED}
            ),
            python_bin=self.toolchain.bin,
        )


@pytest.fixture
def gitlab(
    repo: Path, forge: Forge, emulator: EmulatorControl, toolchain: Toolchain
) -> GitLabHarness:
    return GitLabHarness(repo, forge, emulator, toolchain)


def test_merge_request_plan_then_apply_on_the_default_branch(gitlab: GitLabHarness) -> None:
    runner = gitlab.runner("merge_request_event", mr=5)
    assert runner.run_job("duvoform-apply").ran is False
    job = runner.run_job("duvoform-plan")
    assert job.status == "success", job.log
    assert "Plan: 5 to create" in job.log
    files = {path.name: path for path in job.artifacts}
    assert {"plan.json", "plan.txt", "comment.md", "exitcode"} <= set(files)
    assert plan_file_document(files["plan.json"])["plan"]["summary"]["create"] == 5
    (note,) = gitlab.forge.notes[5]
    assert note["body"].startswith(files["comment.md"].read_text("utf-8"))
    assert (
        "Commit d4e5f607 · [pipeline](https://gitlab.example.com/acme/duvo-config/-/pipelines/77)"
        in note["body"]
    )

    # Merged: the default-branch pipeline applies.
    gitlab.forge.branches["main"] = SHA
    runner = gitlab.runner("push", branch="main")
    assert runner.run_job("duvoform-plan").ran is False
    job = runner.run_job("duvoform-apply")
    assert job.status == "success", job.log + job.after_log
    assert "Apply complete: " in job.log
    names = sorted(a["name"] for a in gitlab.emulator.state()["agents"])
    assert names == ["Invoice triage", "Vendor lookup"]
    assert {p.name for p in job.artifacts} >= {"plan.json", "plan.txt", "apply.txt"}
    for text in (job.log, job.after_log, *[n["body"] for n in gitlab.forge.notes[5]]):
        assert SNOWFLAKE_TOKEN not in text
        assert GITLAB_TOKEN not in text


def test_failed_apply_fails_the_job_and_notes_the_merged_request(gitlab: GitLabHarness) -> None:
    gitlab.forge.merged(SHA, pr=6)
    gitlab.forge.branches["main"] = SHA
    del gitlab.project_variables["SNOWFLAKE_MCP_TOKEN"]
    job = gitlab.runner("push", branch="main").run_job("duvoform-apply")
    assert job.status == "failed"
    assert "duvoform apply FAILED (exit code 1)" in job.log
    assert "environment variable SNOWFLAKE_MCP_TOKEN is not set" in job.log
    assert "plan.json" in {p.name for p in job.artifacts}
    (note,) = gitlab.forge.notes[6]
    assert note["body"].startswith(f"{APPLY_MARKER}\n\n## :x: duvoform apply failed")
    assert "SNOWFLAKE_MCP_TOKEN is not set" in note["body"]
    assert gitlab.emulator.stats()["writes"] == 0


def test_an_older_commit_is_not_applied(gitlab: GitLabHarness) -> None:
    gitlab.forge.branches["main"] = "f" * 40
    job = gitlab.runner("web", branch="main").run_job("duvoform-apply")
    assert job.status == "success", job.log
    assert (
        "main is at ffffffff now; the pipeline for the newer commit applies it. Skipped." in job.log
    )
    assert gitlab.emulator.stats()["total"] == 0


def test_pipelines_only_for_merge_requests_and_the_default_branch(gitlab: GitLabHarness) -> None:
    feature = gitlab.runner("push", branch="feature")
    assert not feature.pipeline_runs()
    assert feature.run_job("duvoform-plan").ran is False
    assert feature.run_job("duvoform-apply").ran is False
    config = feature.config
    assert config["duvoform-apply"]["resource_group"] == "duvoform-apply"
    assert config["duvoform-apply"]["interruptible"] is False
    assert config["duvoform-plan"]["interruptible"] is True
    assert config["duvoform-plan"]["artifacts"]["when"] == "always"


@pytest.mark.parametrize(
    ("expression", "variables", "expected"),
    [
        ('$A == "x"', {"A": "x"}, True),
        ('$A == "x"', {}, False),
        ("$A == $B", {"A": "main", "B": "main"}, True),
        ('$A == "x" && ($B == "p" || $B == "w")', {"A": "x", "B": "w"}, True),
        ('$A == "x" && ($B == "p" || $B == "w")', {"A": "x", "B": "q"}, False),
        ("$A", {"A": ""}, False),
        ('$A != "x"', {"A": "y"}, True),
    ],
)
def test_rule_expressions(expression: str, variables: dict[str, str], expected: bool) -> None:
    assert rule_matches(expression, variables) is expected


def test_without_duvoform_package_the_jobs_stop_and_say_why(gitlab: GitLabHarness) -> None:
    del gitlab.project_variables["DUVOFORM_PACKAGE"]
    gitlab.forge.branches["main"] = SHA
    for runner, job_id in [
        (gitlab.runner("merge_request_event", mr=4), "duvoform-plan"),
        (gitlab.runner("push", branch="main"), "duvoform-apply"),
    ]:
        job = runner.run_job(job_id)
        assert job.status == "failed"
        assert "Set the project variable DUVOFORM_PACKAGE" in job.log
    assert gitlab.emulator.stats()["total"] == 0


def test_scheduled_drift_keeps_one_issue(gitlab: GitLabHarness) -> None:
    forge, emulator = gitlab.forge, gitlab.emulator
    gitlab.forge.branches["main"] = SHA
    assert gitlab.runner("push", branch="main").run_job("duvoform-apply").status == "success"
    scheduled = gitlab.runner("schedule", branch="main")
    assert scheduled.pipeline_runs()
    assert scheduled.run_job("duvoform-apply").ran is False
    assert scheduled.run_job("duvoform-plan").ran is False
    assert gitlab.runner("push", branch="main").run_job("duvoform-drift").ran is False

    job = scheduled.run_job("duvoform-drift")
    assert job.status == "success", job.log
    assert "No drift: live state matches the manifests" in job.log
    assert forge.gl_issues == {}

    (agent,) = [a for a in emulator.state()["agents"] if a["name"] == "Invoice triage"]
    with emulator.client() as api:
        api.patch(f"/v1/agents/{agent['id']}", json={"slack_enabled": True}).raise_for_status()
    for _ in range(2):
        job = gitlab.runner("schedule", branch="main").run_job("duvoform-drift")
        assert job.status == "success", job.log
    ((iid, issue),) = forge.gl_issues.items()
    assert issue["state"] == "opened"
    assert issue["labels"] == ["duvoform-drift"]
    assert issue["description"].startswith("<!-- duvoform-drift -->")
    assert "<code>Assignment/Invoice triage</code>" in issue["description"]

    assert gitlab.runner("push", branch="main").run_job("duvoform-apply").status == "success"
    job = gitlab.runner("schedule", branch="main").run_job("duvoform-drift")
    assert job.status == "success", job.log
    assert forge.gl_issues[iid]["state"] == "closed"
    (note,) = forge.gl_issues[iid]["notes"]
    assert note["body"].startswith("No drift any more as of [this pipeline]")
    for text in (job.log, issue["description"]):
        assert SNOWFLAKE_TOKEN not in text
        assert GITLAB_TOKEN not in text


def test_a_merge_request_plans_with_the_target_branch_duvoform_yaml(
    gitlab: GitLabHarness,
) -> None:
    config = gitlab.repo / "manifests" / "duvoform.yaml"
    config.write_text("secrets:\n  env_allow: [SNOWFLAKE_*, HOME_TOKEN]\n", "utf-8")
    team = gitlab.repo / "manifests" / "team.yaml"
    team.write_text(
        team.read_text("utf-8").replace("{env: SNOWFLAKE_MCP_TOKEN}", "{env: HOME_TOKEN}"),
        "utf-8",
    )
    gitlab.base_files = {"manifests/duvoform.yaml": "secrets:\n  env_allow: [SNOWFLAKE_*]\n"}
    job = gitlab.runner("merge_request_event", mr=5).run_job("duvoform-plan")
    assert job.status == "failed"
    assert "the plan uses the target branch copy" in job.log
    assert "HOME_TOKEN is not in duvoform.yaml's secrets.env_allow" in job.log
    assert config.read_text("utf-8") == "secrets:\n  env_allow: [SNOWFLAKE_*]\n"
    assert gitlab.emulator.stats()["total"] == 0

    gitlab.base_files = {"manifests/duvoform.yaml": None}
    job = gitlab.runner("merge_request_event", mr=5).run_job("duvoform-plan")
    assert job.status == "success", job.log
    assert not config.exists()
