"""The hooks in ``.pre-commit-hooks.yaml``, run by the real ``pre-commit try-repo`` against a
sample repository (pre-commit installs duvoform from this checkout into its own environment)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
GOOD = """\
apiVersion: duvoform/v1
kind: Folder
metadata:
  name: Finance
"""

CI = "jobs:\n    build: {}\n"

pytestmark = [pytest.mark.slow, pytest.mark.packaging]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        PRE_COMMIT_HOME=str(home / "cache"),
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _try_repo(sample: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "--all-files"],
        cwd=sample,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_hooks_pass_on_good_manifests_and_fail_on_a_bad_one(tmp_path: Path) -> None:
    env = _env(tmp_path)
    sample = tmp_path / "sample"
    (sample / "manifests").mkdir(parents=True)
    (sample / ".github").mkdir()
    (sample / "duvoform.yaml").write_text("apiVersion: duvoform/v1\n")  # the manifest root
    (sample / "manifests" / "folders.yaml").write_text(GOOD)
    (sample / ".github" / "ci.yml").write_text(CI)  # given to fmt, not a manifest: left alone
    _git(sample, env, "init", "-q")
    _git(sample, env, "add", ".")
    _git(sample, env, "commit", "-qm", "manifests")

    passing = _try_repo(sample, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "duvoform validate" in passing.stdout
    assert "duvoform fmt" in passing.stdout
    assert (sample / ".github" / "ci.yml").read_text() == CI

    (sample / "manifests" / "folders.yaml").write_text(
        "kind: Folder\napiVersion: duvoform/v1\nmetadata: {name: Finance}\nspec: {parent: Nope}\n"
    )
    _git(sample, env, "add", ".")
    failing = _try_repo(sample, env)
    assert failing.returncode == 1
    assert "duvoform fmt...." in failing.stdout
    assert "files were modified by this hook" in failing.stdout
    # validate runs after fmt, on the reformatted file
    assert 'manifests/folders.yaml:4:16: Folder "Finance": spec.parent: no Folder' in failing.stdout
    # fmt fixed the key order, as pre-commit hooks do, and failed the run for it
    assert (
        (sample / "manifests" / "folders.yaml")
        .read_text()
        .startswith("apiVersion: duvoform/v1\nkind: Folder\n")
    )
