"""Fixtures for running the CI files: a runner toolchain, a fake forge, a user's repository.

``toolchain`` (session): the composite action's own install step, run for real, makes a
virtual environment under a shared ``RUNNER_TEMP`` and installs duvoform from this checkout
into it (the slow part, once per session); a wheel of this checkout is built beside it for the
workflows' ``DUVOFORM_PACKAGE``. The same environment stands in for the Python that
``actions/setup-python`` (GitHub) or the ``python`` image (GitLab) provides: duvoform is
uninstalled from it before every job, so only the job's own install step can bring it back.

``repo``: a user's repository laid out as the README says (workflows under
``.github/workflows/``, ``duvoform_ci.py`` under ``.github/scripts/`` and ``.gitlab/``,
``.gitlab-ci.yml`` at the top, ``requirements.lock`` as ``duvoform-requirements.lock`` under
``.github/`` and ``.gitlab/``, the manifests under ``manifests/``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from duvoform.emulator import EmulatorControl
from tests.ci.actions import ActionsRunner, Environment, StepContext
from tests.ci.forge import GITHUB_TOKEN, Forge, serve_forge
from tests.ci.shell import base_environment, run_bash

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "ci"
MANIFESTS = Path(__file__).parent / "manifests"
LOCK = EXAMPLES / "requirements.lock"
REPOSITORY = "acme/duvo-config"
SNOWFLAKE_TOKEN = "sf-secret-value-7Qx93"
VENV_NAME = "duvoform-venv"


@dataclass(frozen=True)
class Toolchain:
    """The shared ``RUNNER_TEMP`` with duvoform's virtual environment, and a wheel."""

    runner_temp: Path
    venv: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def fresh_runner_temp(self) -> Path:
        """Empty ``RUNNER_TEMP`` as a new job finds it, except the action's environment."""
        for entry in self.runner_temp.iterdir():
            if entry.name != VENV_NAME:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        return self.runner_temp

    def uninstall_duvoform(self) -> None:
        """Take duvoform out of the environment (its dependencies stay, like a pip cache).

        What ``pip uninstall`` removes, removed directly: pip would spend a second starting.
        """
        (site_packages,) = self.venv.glob("lib/python*/site-packages")
        for path in [site_packages / "duvoform", *site_packages.glob("duvoform-*.dist-info")]:
            shutil.rmtree(path, ignore_errors=True)
        (self.bin / "duvoform").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def toolchain(tmp_path_factory: pytest.TempPathFactory) -> Toolchain:
    root = tmp_path_factory.mktemp("ci-toolchain")
    runner_temp = root / "runner-temp"
    runner_temp.mkdir()
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    install = action["runs"]["steps"][0]
    assert install["name"] == "Install duvoform"
    github_path = root / "github-path"
    env = {
        **base_environment(root / "home"),
        # a Python outside the tests' own virtual environment
        "PYTHON": getattr(sys, "_base_executable", sys.executable),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_PATH": str(github_path),
    }
    shell = run_bash(install["run"], cwd=root, env=env, script_file=root / "install.sh")
    assert shell.status == 0, shell.log
    venv = runner_temp / VENV_NAME
    assert github_path.read_text("utf-8").strip() == str(venv / "bin")
    wheels = root / "wheels"
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("duvoform-*.whl")
    return Toolchain(runner_temp=runner_temp, venv=venv, wheel=wheel)


@pytest.fixture
def forge() -> Iterator[Forge]:
    with serve_forge() as served:
        yield served


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A user's repository with duvoform's CI files copied in as the README says."""
    root = tmp_path / "repo"
    shutil.copytree(MANIFESTS, root / "manifests")
    shutil.copytree(EXAMPLES / "github" / "workflows", root / ".github" / "workflows")
    shutil.copy(EXAMPLES / "github" / "with-action" / "duvoform.yml", root / "action-workflow.yml")
    for target in (root / ".github" / "scripts", root / ".gitlab"):
        target.mkdir(parents=True)
        shutil.copy(EXAMPLES / "duvoform_ci.py", target / "duvoform_ci.py")
        shutil.copy(EXAMPLES / "duvoform_drift.py", target / "duvoform_drift.py")
    shutil.copy(EXAMPLES / "gitlab" / ".gitlab-ci.yml", root / ".gitlab-ci.yml")
    shutil.copy(LOCK, root / ".github" / "duvoform-requirements.lock")
    shutil.copy(LOCK, root / ".gitlab" / "duvoform-requirements.lock")
    return root


def pull_request_event(number: int, head_sha: str, *, fork: bool = False) -> dict[str, Any]:
    head_repo = "someone/duvo-config" if fork else REPOSITORY
    return {
        "number": number,
        "pull_request": {
            "number": number,
            "head": {"sha": head_sha, "ref": "feature", "repo": {"full_name": head_repo}},
            "base": {"ref": "main", "repo": {"full_name": REPOSITORY}},
        },
    }


def pull_request_checkout(
    workspace: Path, base_files: dict[str, str | None], *, origin: Path | None = None
) -> None:
    """Make ``workspace`` a git checkout of a pull request.

    The pull request's tree is the workspace as it is; the base branch's is that tree with
    ``base_files`` (relative path -> text, or None for a file the base lacks) in their place.
    Without ``origin``, as GitHub checks out a pull request: HEAD is the merge commit, whose
    first parent is the base and second the head. With ``origin``, as GitLab checks out a merge
    request: HEAD is the head, and ``origin`` a bare repository whose ``main`` is the base.
    """
    shutil.rmtree(workspace / ".git", ignore_errors=True)
    env = {
        **base_environment(workspace.parent / "git-home"),
        "GIT_AUTHOR_NAME": "Ada",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }

    def git(*args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            ["git", *args], cwd=workspace, env=env, input=stdin, text=True, capture_output=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    git("init", "--quiet")
    git("add", "--all")
    head_tree = git("write-tree")
    for path, text in base_files.items():
        if text is None:
            git("rm", "--cached", "--quiet", "--ignore-unmatch", "--", path)
        else:
            blob = git("hash-object", "-w", "--stdin", stdin=text)
            git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
    base = git("commit-tree", git("write-tree"), "-m", "base")
    head = git("commit-tree", head_tree, "-p", base, "-m", "pull request")
    if origin is None:
        git(
            "update-ref",
            "HEAD",
            git("commit-tree", head_tree, "-p", base, "-p", head, "-m", "merge"),
        )
    else:
        shutil.rmtree(origin, ignore_errors=True)
        git("init", "--quiet", "--bare", str(origin))
        git("push", "--quiet", str(origin), f"{base}:refs/heads/main")
        git("remote", "add", "origin", str(origin))
        git("update-ref", "HEAD", head)
    git("reset", "--quiet")


class GitHubHarness:
    """Makes ``ActionsRunner``s for one repository, forge, emulator and toolchain."""

    def __init__(
        self, repo: Path, forge: Forge, emulator: EmulatorControl, toolchain: Toolchain
    ) -> None:
        self.repo = repo
        self.forge = forge
        self.emulator = emulator
        self.toolchain = toolchain
        # Plans use the repository's key; applies the duvoform-apply environment's, which only
        # main may use (one key here: a second key would be a second user, with other pins).
        self.secrets = {"DUVO_API_KEY": emulator.api_key, "SNOWFLAKE_MCP_TOKEN": SNOWFLAKE_TOKEN}
        self.environments = {
            "duvoform-apply": Environment(
                secrets={"DUVO_API_KEY": emulator.api_key}, refs=frozenset({"refs/heads/main"})
            )
        }
        self.vars = {
            "DUVOFORM_PACKAGE": str(toolchain.wheel),
            "DUVO_API_URL": emulator.base_url,
        }
        # Files the base branch has otherwise than the pull request (None: it lacks them).
        self.base_files: dict[str, str | None] = {}
        # True: the setup-python stand-in takes duvoform out of the environment, so only the
        # job's own install step can put it back.
        self.fresh_python = True

    def runner(
        self, event_name: str, event: dict[str, Any], *, sha: str, ref: str, run_id: str = "501"
    ) -> ActionsRunner:
        runner_temp = self.toolchain.fresh_runner_temp()
        github = {
            "event_name": event_name,
            "repository": REPOSITORY,
            "sha": sha,
            "ref": ref,
            "ref_name": ref.removeprefix("refs/heads/").removeprefix("refs/pull/"),
            "server_url": "https://github.com",
            "api_url": self.forge.base_url,
            "run_id": run_id,
            "token": GITHUB_TOKEN,
        }
        return ActionsRunner(
            workspace=self.repo,
            runner_temp=runner_temp,
            action_path=ROOT,
            github=github,
            event=event,
            vars=self.vars,
            secrets=self.secrets,
            handlers={
                "actions/checkout": self.checkout,
                "actions/setup-python": self.setup_python,
                "actions/upload-artifact": self.upload_artifact,
            },
            # workflows install a local wheel whose dependencies are in place; the action may
            # have to build this checkout, which needs the index for its build backend
            offline_pip=self.fresh_python,
            environments=self.environments,
        )

    def pull_request(self, number: int, head_sha: str, *, fork: bool = False) -> ActionsRunner:
        event = pull_request_event(number, head_sha, fork=fork)
        merge_sha = f"{number:02d}" + head_sha[2:]
        return self.runner("pull_request", event, sha=merge_sha, ref=f"refs/pull/{number}/merge")

    def push(
        self, sha: str, *, ref: str = "refs/heads/main", event_name: str = "push"
    ) -> ActionsRunner:
        event = {"ref": ref, "after": sha} if event_name == "push" else {"ref": ref}
        return self.runner(event_name, event, sha=sha, ref=ref)

    # -- stand-ins for third-party actions -------------------------------------------------

    def checkout(self, step: StepContext) -> dict[str, str]:
        # The workspace is the repository already; the token must not stay in .git/config.
        assert step.inputs.get("persist-credentials") is False, step.inputs
        if step.runner.github["event_name"] == "pull_request":
            # A plan needs the base branch's files too (its duvoform.yaml): the merge commit
            # and both its parents.
            assert step.inputs.get("fetch-depth") == 2, step.inputs
            pull_request_checkout(step.runner.workspace, self.base_files)
        return {}

    def setup_python(self, step: StepContext) -> dict[str, str]:
        if self.fresh_python:
            self.toolchain.uninstall_duvoform()
        step.runner.path_entries.append(str(self.toolchain.bin))
        return {"python-version": "3.11"}

    def upload_artifact(self, step: StepContext) -> dict[str, str]:
        name = str(step.inputs.get("name", "artifact"))
        files: list[Path] = []
        for line in str(step.inputs["path"]).splitlines():
            target = step.runner.workspace / line.strip()
            if target.is_dir():
                files.extend(sorted(p for p in target.rglob("*") if p.is_file()))
            elif target.is_file():
                files.append(target)
        if not files and step.inputs.get("if-no-files-found") == "error":
            raise AssertionError(f"artifact {name}: no files at {step.inputs['path']}")
        step.job.artifacts[name] = files
        return {"artifact-id": "1"}


@pytest.fixture
def github(
    repo: Path, forge: Forge, emulator: EmulatorControl, toolchain: Toolchain
) -> GitHubHarness:
    return GitHubHarness(repo, forge, emulator, toolchain)


def plan_file_document(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    assert document["kind"] == "duvoform-plan"
    return document
