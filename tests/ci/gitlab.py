"""A small GitLab CI job runner for duvoform's ``.gitlab-ci.yml`` example.

What runs for real: a job's ``before_script`` (its own or ``default:``'s) and ``script`` as one
bash script with ``-eo pipefail`` (as GitLab's runner does with a bash image), then
``after_script`` in a shell of its own with ``CI_JOB_STATUS``; the ``workflow:`` and job
``rules:`` (``if:`` with ``$VAR``, string literals, ``==``, ``!=``, ``&&``, ``||`` and
parentheses); variables from the file, expanded, then predefined ones, then project variables,
which win as in GitLab; ``artifacts: paths`` are collected. Not emulated: the Docker image
(the tests' Python stands in for ``python:3.12-slim``), caches, stages, ``resource_group`` and
``interruptible`` (the tests check those keys are set).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.ci.shell import base_environment, run_bash

__all__ = ["GitLabJob", "GitLabRunner", "rule_matches"]

_RULE_TOKEN = re.compile(r"\s*(\$\w+|\"[^\"]*\"|'[^']*'|==|!=|&&|\|\||\(|\)|null)")
_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def rule_matches(expression: str, variables: Mapping[str, str]) -> bool:
    """A ``rules: if:`` expression; unknown syntax is an error."""
    tokens: list[str] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _RULE_TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot read {text[position:]!r} in {expression!r}")
        tokens.append(match.group(1))
        position = match.end()
    index = 0

    def value() -> str | None:
        nonlocal index
        token = tokens[index]
        index += 1
        if token.startswith("$"):
            return variables.get(token[1:])
        if token == "null":
            return None
        if token[0] in "\"'":
            return token[1:-1]
        raise ValueError(f"unexpected {token!r} in {expression!r}")

    def comparison() -> bool:
        nonlocal index
        if tokens[index] == "(":
            index += 1
            result = disjunction()
            if tokens[index] != ")":
                raise ValueError(f"missing ) in {expression!r}")
            index += 1
            return result
        left = value()
        if index < len(tokens) and tokens[index] in ("==", "!="):
            op = tokens[index]
            index += 1
            right = value()
            return (left == right) if op == "==" else (left != right)
        return bool(left)

    def conjunction() -> bool:
        nonlocal index
        result = comparison()
        while index < len(tokens) and tokens[index] == "&&":
            index += 1
            result = comparison() and result
        return result

    def disjunction() -> bool:
        nonlocal index
        result = conjunction()
        while index < len(tokens) and tokens[index] == "||":
            index += 1
            result = conjunction() or result
        return result

    result = disjunction()
    if index != len(tokens):
        raise ValueError(f"unexpected {tokens[index]!r} in {expression!r}")
    return result


def _rules_allow(rules: list[dict[str, Any]] | None, variables: Mapping[str, str]) -> bool:
    if rules is None:
        return True
    for rule in rules:
        if "if" not in rule or rule_matches(rule["if"], variables):
            return str(rule.get("when", "on_success")) != "never"
    return False


def _expand(value: str, variables: Mapping[str, str]) -> str:
    return _VARIABLE.sub(lambda m: variables.get(m.group(1) or m.group(2), ""), value)


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(line) for line in value]


@dataclass
class GitLabJob:
    """A job run: whether it ran, its status, log and artifacts."""

    ran: bool
    status: str = "skipped"  # success, failed or skipped
    log: str = ""
    after_log: str = ""
    artifacts: list[Path] = field(default_factory=list)


class GitLabRunner:
    """Runs jobs of one ``.gitlab-ci.yml`` in one project directory."""

    def __init__(
        self,
        ci_file: Path,
        *,
        project_dir: Path,
        temp: Path,
        predefined: Mapping[str, str],
        project_variables: Mapping[str, str],
        python_bin: Path,
    ) -> None:
        self.config: dict[str, Any] = yaml.safe_load(ci_file.read_text("utf-8"))
        self.project_dir = project_dir
        self.temp = temp
        self.predefined = {"CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": str(project_dir)}
        self.predefined.update(predefined)
        self.project_variables = dict(project_variables)
        self.python_bin = python_bin

    def variables(self, job: Mapping[str, Any]) -> dict[str, str]:
        """File variables (expanded), predefined ones, then project variables, which win."""
        variables = dict(self.predefined)
        for block in (self.config.get("variables"), job.get("variables")):
            for key, value in (block or {}).items():
                variables[key] = _expand(str(value), variables)
        variables.update(self.predefined)
        variables.update(self.project_variables)
        return variables

    def pipeline_runs(self) -> bool:
        """Whether ``workflow: rules`` make a pipeline at all."""
        rules = (self.config.get("workflow") or {}).get("rules")
        return _rules_allow(rules, self.variables({}))

    def run_job(self, name: str) -> GitLabJob:
        job = self.config[name]
        variables = self.variables(job)
        if not self.pipeline_runs() or not _rules_allow(job.get("rules"), variables):
            return GitLabJob(ran=False)
        default = self.config.get("default") or {}
        before = _lines(job.get("before_script", default.get("before_script")))
        script = [*before, *_lines(job["script"])]
        # the jobs install a local wheel whose dependencies are in place: no index lookups
        env = {**base_environment(self.temp / "home", offline_pip=True), **variables}
        env["PATH"] = f"{self.python_bin}:{env['PATH']}"
        shell = run_bash(
            "\n".join(script) + "\n",
            cwd=self.project_dir,
            env=env,
            script_file=self.temp / "_runner" / f"{name}.sh",
        )
        result = GitLabJob(ran=True, status="success" if shell.status == 0 else "failed")
        result.log = shell.log
        after = _lines(job.get("after_script", default.get("after_script")))
        if after:
            after_shell = run_bash(
                "\n".join(after) + "\n",
                cwd=self.project_dir,
                env={**env, "CI_JOB_STATUS": result.status},
                script_file=self.temp / "_runner" / f"{name}-after.sh",
            )
            result.after_log = after_shell.log
        artifacts = job.get("artifacts") or {}
        if result.status == "success" or artifacts.get("when") in ("always", "on_failure"):
            for pattern in artifacts.get("paths", []):
                root = self.project_dir / pattern
                found = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
                result.artifacts.extend(found or ([root] if root.is_file() else []))
        return result
