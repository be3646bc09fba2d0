"""The scheduled drift workflow (examples/ci/github/workflows/duvoform-drift.yml), run step by
step against the emulator and a fake GitHub API: one issue opened on drift, updated by later
runs, closed with a comment once the drift is gone."""

from __future__ import annotations

from pathlib import Path

from tests.ci.actions import JobResult
from tests.ci.conftest import SNOWFLAKE_TOKEN, GitHubHarness
from tests.ci.forge import GITHUB_TOKEN
from tests.e2e.helpers import invoke

MAIN = "d4e5f60718293a4b5c6d7e8f9012345678901234"
MARKER = "<!-- duvoform-drift -->"


def drift_workflow(github: GitHubHarness) -> Path:
    return github.repo / ".github" / "workflows" / "duvoform-drift.yml"


def scheduled_run(github: GitHubHarness) -> JobResult:
    runner = github.runner(
        "schedule", {"schedule": "17 6 * * 1-5"}, sha=MAIN, ref="refs/heads/main"
    )
    job = runner.run_job(drift_workflow(github), "drift")
    assert job.ran
    for secret in (SNOWFLAKE_TOKEN, GITHUB_TOKEN, github.emulator.api_key):
        assert secret not in job.log + job.summary
    return job


def apply(github: GitHubHarness) -> None:
    manifests = github.repo / "manifests"
    result = invoke(
        github.emulator, "apply", "--auto-approve", str(manifests), SNOWFLAKE_MCP_TOKEN="x" * 8
    )
    assert result.exit_code == 0, result.output


def toggle(github: GitHubHarness, name: str, flag: str, value: bool) -> None:
    (agent,) = [a for a in github.emulator.state()["agents"] if a["name"] == name]
    with github.emulator.client() as api:
        api.patch(f"/v1/agents/{agent['id']}", json={flag: value}).raise_for_status()


def test_drift_issue_is_opened_updated_and_closed(github: GitHubHarness) -> None:
    forge = github.forge
    apply(github)

    # No drift: nothing is opened.
    job = scheduled_run(github)
    assert not job.failed, job.log
    assert job.step("drift").outputs == {"exitcode": "0"}
    assert forge.issues == {}
    assert "No drift: live state matches the manifests" in job.summary

    # Someone toggles Slack by hand: one issue, labelled, with the report.
    toggle(github, "Invoice triage", "slack_enabled", True)
    job = scheduled_run(github)
    assert not job.failed, job.log
    assert job.step("drift").outputs == {"exitcode": "2"}
    ((number, issue),) = forge.issues.items()
    assert issue["state"] == "open"
    assert [label["name"] for label in issue["labels"]] == ["duvoform-drift"]
    assert issue["body"].startswith(MARKER)
    assert "<code>Assignment/Invoice triage</code>" in issue["body"]
    assert "slack&#95;enabled" in issue["body"] or "slack_enabled" in issue["body"]
    assert "Microsoft" not in issue["body"]

    # More drift later: the same issue is edited, no second one.
    toggle(github, "Vendor lookup", "microsoft_teams_enabled", True)
    job = scheduled_run(github)
    assert not job.failed, job.log
    assert list(forge.issues) == [number]
    assert "<code>Assignment/Vendor lookup</code>" in forge.issues[number]["body"]
    assert [m for m, _ in forge.writes()].count("POST") == 1

    # The drift is undone by an apply: the issue is closed with a comment.
    apply(github)
    job = scheduled_run(github)
    assert not job.failed, job.log
    assert forge.issues[number]["state"] == "closed"
    (comment,) = forge.comments[number]
    assert comment["body"].startswith("No drift any more as of [this run]")

    # Later runs without drift leave it closed and write nothing.
    writes = len(forge.writes())
    job = scheduled_run(github)
    assert not job.failed, job.log
    assert len(forge.writes()) == writes


def test_a_failed_drift_fails_the_job_and_leaves_the_issue(github: GitHubHarness) -> None:
    github.secrets["DUVO_API_KEY"] = "wrong-key-Zr81"
    job = scheduled_run(github)
    assert job.failed
    assert job.step("drift").outputs == {"exitcode": "1"}
    assert ("error", "see the errors above") in job.annotations
    assert job.step("Open, update or close the drift issue").outcome == "skipped"
    assert github.forge.issues == {}
