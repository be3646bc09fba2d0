"""The GitHub workflows in examples/ci/github/, run step by step against the emulator.

Every ``run:`` step runs for real with bash (see ``tests/ci/actions.py`` for what is stood in
for): duvoform is installed by the workflow's own install step, plans and applies go over HTTP
to the emulator, and comments go to a fake GitHub API.
"""

from __future__ import annotations

import html
from pathlib import Path

from tests.ci.actions import JobResult
from tests.ci.conftest import SNOWFLAKE_TOKEN, GitHubHarness, plan_file_document
from tests.ci.forge import GITHUB_TOKEN

PLAN_MARKER = "<!-- duvoform-plan -->"
APPLY_MARKER = "<!-- duvoform-apply -->"
HEAD_1 = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
HEAD_2 = "b2c3d4e5f60718293a4b5c6d7e8f901234567890"
MERGED = "c3d4e5f60718293a4b5c6d7e8f90123456789012"


def plan_workflow(github: GitHubHarness) -> Path:
    return github.repo / ".github" / "workflows" / "duvoform-plan.yml"


def apply_workflow(github: GitHubHarness) -> Path:
    return github.repo / ".github" / "workflows" / "duvoform-apply.yml"


def assert_no_secrets(github: GitHubHarness, job: JobResult) -> None:
    """No secret value in the log, the summary, the artifacts or any comment."""
    secrets = [SNOWFLAKE_TOKEN, GITHUB_TOKEN, github.emulator.api_key]
    texts = [job.log, job.summary]
    texts += [path.read_text("utf-8") for files in job.artifacts.values() for path in files]
    texts += [c["body"] for comments in github.forge.comments.values() for c in comments]
    for secret in secrets:
        assert not any(secret in text for text in texts), f"a secret leaked: {secret[:4]}..."


def sticky(github: GitHubHarness, pr: int, marker: str = PLAN_MARKER) -> dict[str, object]:
    (comment,) = [c for c in github.forge.comments.get(pr, []) if c["body"].startswith(marker)]
    return comment


def test_plan_on_pull_requests_then_apply_on_merge(github: GitHubHarness) -> None:
    forge, emulator = github.forge, github.emulator
    forge.add_comment(7, "Looks good to me")

    # First push to pull request 7: a plan with 5 creates, one comment, a summary, an artifact.
    job = github.pull_request(7, HEAD_1).run_job(plan_workflow(github), "plan")
    assert job.ran
    assert not job.failed, job.log
    assert {step.outcome for step in job.steps} == {"success"}
    assert job.step("plan").outputs == {"exitcode": "2", "has-changes": "true"}
    files = {path.name: path for path in job.artifacts["duvoform-plan"]}
    assert {"plan.json", "plan.txt", "comment.md"} <= set(files)
    assert plan_file_document(files["plan.json"])["plan"]["summary"]["create"] == 5
    text_plan = files["plan.txt"].read_text("utf-8")
    assert "Plan: 5 to create" in text_plan
    assert html.escape(text_plan, quote=False) in job.summary
    assert job.summary.startswith("## duvoform plan\n")
    comment = sticky(github, 7)
    body = str(comment["body"])
    assert body.startswith(files["comment.md"].read_text("utf-8"))
    assert "**Plan: 5 to create, 0 to update" in body
    assert (
        "Commit a1b2c3d · [workflow run](https://github.com/acme/duvo-config/actions/runs/501)"
        in body
    )
    assert len(body) <= 65_536
    assert forge.comments[7][0]["body"] == "Looks good to me"
    assert emulator.stats()["writes"] == 0
    assert_no_secrets(github, job)

    # Second push: the same comment is edited, never a second one.
    sop = github.repo / "manifests" / "sops" / "invoice-triage.md"
    sop.write_text(sop.read_text("utf-8") + "7. Archive the PDF.\n", "utf-8")
    job = github.pull_request(7, HEAD_2).run_job(plan_workflow(github), "plan")
    assert not job.failed, job.log
    assert len(forge.comments[7]) == 2
    assert sticky(github, 7)["id"] == comment["id"]
    assert "Commit b2c3d4e" in str(sticky(github, 7)["body"])
    posts = [w for w in forge.writes() if w[0] == "POST"]
    assert len(posts) == 1

    # Merged as MERGED: the push to main plans that commit and applies it.
    forge.merged(MERGED, pr=7)
    forge.branches["main"] = MERGED
    job = github.push(MERGED).run_job(apply_workflow(github), "apply")
    assert job.ran
    assert not job.failed, job.log
    assert job.step("plan").outputs["exitcode"] == "2"
    assert job.step("apply").outcome == "success"
    assert job.step("Update an earlier failure comment").outcome == "success"
    assert job.step("Comment on the merged pull request").outcome == "skipped"
    state = emulator.state()
    assert sorted(a["name"] for a in state["agents"]) == ["Invoice triage", "Vendor lookup"]
    assert sorted(f["name"] for f in state["folders"]) == ["Accounts Payable", "Finance"]
    assert [c["name"] for c in state["connections"]] == ["Snowflake finance"]
    assert ":white_check_mark: Applied." in job.summary
    assert "Apply complete: " in job.summary
    names = {path.name for path in job.artifacts["duvoform-apply"]}
    assert {"plan.json", "plan.txt", "apply.txt"} <= names
    assert APPLY_MARKER not in "".join(c["body"] for c in forge.comments[7])
    assert_no_secrets(github, job)

    # The next pull request shows an SOP change as a diff.
    sop.write_text(
        sop.read_text("utf-8").replace("Archive the PDF", "Archive the PDF and the email"), "utf-8"
    )
    job = github.pull_request(8, HEAD_1).run_job(plan_workflow(github), "plan")
    assert not job.failed, job.log
    body = str(sticky(github, 8)["body"])
    assert "```diff\n" in body
    assert "-7. Archive the PDF.\n+7. Archive the PDF and the email." in body

    # Running the apply of the merged commit again finds nothing to do.
    sop.write_text(sop.read_text("utf-8").replace(" and the email", ""), "utf-8")
    emulator.clear_stats()
    job = github.push(MERGED, event_name="workflow_dispatch").run_job(
        apply_workflow(github), "apply"
    )
    assert not job.failed, job.log
    assert job.step("plan").outputs["exitcode"] == "0"
    assert job.step("apply").outcome == "skipped"
    assert "No changes: live state already matches the manifests." in job.summary
    assert emulator.stats()["writes"] == 0


def test_failed_apply_fails_loudly_and_comments_on_the_merged_pr(github: GitHubHarness) -> None:
    forge = github.forge
    forge.merged(MERGED, pr=9)
    forge.branches["main"] = MERGED
    github.secrets.pop("SNOWFLAKE_MCP_TOKEN")  # the secret was never added to the repository

    job = github.push(MERGED).run_job(apply_workflow(github), "apply")
    assert job.failed
    assert job.step("apply").outcome == "failure"
    assert job.step("apply").outputs["exitcode"] == "1"
    assert (
        "error",
        "duvoform apply exited with 1. Live state may be partly changed: fix the "
        "cause, then re-run this workflow; apply continues where it stopped.",
    ) in job.annotations
    assert job.step("Write the job summary").outcome == "success"
    assert ":x: **Apply failed.**" in job.summary
    assert "SNOWFLAKE_MCP_TOKEN is set but empty" in job.summary
    assert job.step("Upload the plan and the apply log").outcome == "success"
    assert job.step("Update an earlier failure comment").outcome == "skipped"
    body = str(sticky(github, 9, APPLY_MARKER)["body"])
    assert "## :x: duvoform apply failed" in body
    assert "Applying commit c3d4e5f from this pull request failed part way" in body
    assert "SNOWFLAKE_MCP_TOKEN is set but empty" in body
    assert_no_secrets(github, job)

    # The secret is added and the run re-run: the failure comment says it is fixed.
    github.secrets["SNOWFLAKE_MCP_TOKEN"] = SNOWFLAKE_TOKEN
    job = github.push(MERGED).run_job(apply_workflow(github), "apply")
    assert not job.failed, job.log
    assert len(forge.comments[9]) == 1
    body = str(sticky(github, 9, APPLY_MARKER)["body"])
    assert "## :white_check_mark: duvoform apply succeeded" in body
    assert [c["name"] for c in github.emulator.state()["connections"]] == ["Snowflake finance"]
    assert_no_secrets(github, job)


def test_rerun_of_an_older_commit_applies_nothing(github: GitHubHarness) -> None:
    github.forge.branches["main"] = HEAD_2  # main moved on since MERGED
    job = github.push(MERGED).run_job(apply_workflow(github), "apply")
    assert not job.failed, job.log
    assert job.step("head").outputs == {"current": "false"}
    for step in ("Validate", "plan", "apply"):
        assert job.step(step).outcome == "skipped"
    assert job.annotations == [
        ("warning", "main is at b2c3d4e now, not c3d4e5f; the run for the newer commit applies it.")
    ]
    assert "Skipped: main has moved on" in job.summary
    assert github.emulator.stats()["total"] == 0


def test_manual_run_on_another_branch_is_not_applied(github: GitHubHarness) -> None:
    runner = github.push(HEAD_1, ref="refs/heads/feature", event_name="workflow_dispatch")
    job = runner.run_job(apply_workflow(github), "apply")
    assert not job.ran


def test_apply_uses_the_key_of_the_environment_only_main_may_use(github: GitHubHarness) -> None:
    github.secrets["DUVO_API_KEY"] = "wrong-key-Zr81"  # the repository's (plan) key is not used
    github.forge.branches["main"] = HEAD_1
    job = github.push(HEAD_1).run_job(apply_workflow(github), "apply")
    assert not job.failed, job.log
    assert "Apply complete" in job.log
    # A workflow edited on another branch to apply from there never gets the key.
    edited = github.repo / ".github" / "workflows" / "edited.yml"
    text = apply_workflow(github).read_text("utf-8")
    edited.write_text(text.replace("    if: github.ref == 'refs/heads/main'\n", ""), "utf-8")
    runner = github.push(HEAD_2, ref="refs/heads/feature")
    job = runner.run_job(edited, "apply")
    assert job.refused == "refs/heads/feature may not deploy to environment duvoform-apply"
    assert job.steps == []


def test_failed_plan_replaces_the_last_plan_comment(github: GitHubHarness) -> None:
    github.forge.add_comment(
        7, f"{PLAN_MARKER}\n## duvoform plan\nan old plan", login="github-actions[bot]"
    )
    github.secrets["DUVO_API_KEY"] = "wrong-key-Zr81"
    job = github.pull_request(7, HEAD_1).run_job(plan_workflow(github), "plan")
    assert job.failed
    assert job.step("plan").outcome == "failure"
    assert job.step("plan").outputs == {"exitcode": "1", "has-changes": "false"}
    assert ("error", "see the errors above") in job.annotations
    (comment,) = github.forge.comments[7]
    body = str(comment["body"])
    assert body.startswith(f"{PLAN_MARKER}\n\n## :x: duvoform plan failed")
    assert "an old plan" not in body
    assert "DUVO_API_KEY" in body
    assert "wrong-key-Zr81" not in body + job.log + job.summary
    assert ":x: The plan failed." in job.summary


def test_fork_pull_request_is_validated_but_not_planned(github: GitHubHarness) -> None:
    job = github.pull_request(11, HEAD_1, fork=True).run_job(plan_workflow(github), "plan")
    assert not job.failed, job.log
    assert job.step("validate").outcome == "success"
    assert job.step("plan").outcome == "skipped"
    assert job.step("Post or update the plan comment").outcome == "skipped"
    assert "No plan was made" in job.summary
    assert github.forge.requests == []
    assert github.emulator.stats()["total"] == 0


def test_a_usage_error_is_not_taken_for_changes(github: GitHubHarness) -> None:
    # click exits 2 on a usage error, the code --detailed-exitcode uses for "changes".
    github.vars["DUVOFORM_PLAN_ARGS"] = "--prnue"
    job = github.pull_request(7, HEAD_1).run_job(plan_workflow(github), "plan")
    assert job.failed
    assert job.step("plan").outputs == {"exitcode": "1", "has-changes": "false"}
    body = str(sticky(github, 7)["body"])
    assert "## :x: duvoform plan failed" in body
    assert "Error: No such option '--prnue'." in body


def test_without_duvoform_package_the_job_stops_at_install_and_says_why(
    github: GitHubHarness,
) -> None:
    # duvoform is not on PyPI: a default package name could install somebody else's package.
    del github.vars["DUVOFORM_PACKAGE"]
    github.forge.branches["main"] = MERGED
    for workflow, job_id, runner in [
        (plan_workflow(github), "plan", github.pull_request(7, HEAD_1)),
        (apply_workflow(github), "apply", github.push(MERGED)),
    ]:
        job = runner.run_job(workflow, job_id)
        assert job.failed
        assert job.step("Install duvoform").outcome == "failure"
        (level, message), *_ = job.annotations
        assert level == "error"
        assert message.startswith("Set the repository variable DUVOFORM_PACKAGE")
        assert "pinned to a commit" in message
    assert github.emulator.stats()["total"] == 0


def test_a_pull_request_plans_with_the_base_branch_duvoform_yaml(github: GitHubHarness) -> None:
    # duvoform.yaml says which secrets manifests may name: a pull request that widens it and
    # names another secret is refused by the base branch's copy.
    config = github.repo / "manifests" / "duvoform.yaml"
    config.write_text("secrets:\n  env_allow: [SNOWFLAKE_*, HOME_TOKEN]\n", "utf-8")
    team = github.repo / "manifests" / "team.yaml"
    team.write_text(
        team.read_text("utf-8").replace("{env: SNOWFLAKE_MCP_TOKEN}", "{env: HOME_TOKEN}"),
        "utf-8",
    )
    github.base_files = {"manifests/duvoform.yaml": "secrets:\n  env_allow: [SNOWFLAKE_*]\n"}
    job = github.pull_request(7, HEAD_1).run_job(plan_workflow(github), "plan")
    assert job.failed
    assert job.step("Take duvoform.yaml from the base branch").outcome == "success"
    assert job.step("validate").outcome == "failure"
    assert job.step("plan").outcome == "skipped"
    assert "HOME_TOKEN is not in duvoform.yaml's secrets.env_allow" in job.log
    assert any(
        level == "notice" and "the plan uses the base branch copy" in message
        for level, message in job.annotations
    )
    assert config.read_text("utf-8") == "secrets:\n  env_allow: [SNOWFLAKE_*]\n"
    assert github.emulator.stats()["total"] == 0

    # A duvoform.yaml the base branch lacks is not used either; an unchanged one is kept.
    github.base_files = {"manifests/duvoform.yaml": None}
    job = github.pull_request(8, HEAD_2).run_job(plan_workflow(github), "plan")
    assert not config.exists()
    assert job.step("validate").outcome == "success", job.log
    github.base_files = {}
    config.write_text("secrets:\n  env_allow: [HOME_*]\n", "utf-8")
    job = github.pull_request(9, HEAD_2).run_job(plan_workflow(github), "plan")
    assert not job.failed, job.log
    assert config.read_text("utf-8") == "secrets:\n  env_allow: [HOME_*]\n"
    assert not any(level == "notice" for level, _ in job.annotations)
