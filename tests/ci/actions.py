"""A small GitHub Actions job runner: the ``run:`` steps of a workflow (and of a composite
action) run for real with bash; ``uses:`` steps of third-party actions are stood in for.

What runs for real: every ``run:`` script, in order, with the env GitHub would give it
(workflow, job and step ``env:`` with their expressions evaluated, the ``GITHUB_*`` variables,
``$GITHUB_OUTPUT``, ``$GITHUB_PATH``, ``$GITHUB_STEP_SUMMARY``), ``if:`` conditions with the
status functions, ``continue-on-error``, step outputs, and composite actions (``uses: ./`` or
any ``*/duvoform@ref``: this repository's ``action.yml``) with their inputs and outputs.

What is stood in for, by handlers the caller passes by action name: ``actions/checkout`` (the
workspace is already laid out), ``actions/setup-python`` (a Python is put on PATH) and
``actions/upload-artifact`` (the files at ``path`` are collected, so a test can assert the
artifact). GitHub itself (runners, concurrency, permissions, secret masking) is not emulated.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.ci.expressions import Status, Strict, condition, interpolate, to_string
from tests.ci.shell import base_environment, parse_outputs, run_bash

__all__ = ["ActionsRunner", "Environment", "JobResult", "StepResult", "load_workflow"]

_ANNOTATION = re.compile(r"^::(error|warning|notice)(?: [^:]*)?::(.*)$", re.MULTILINE)
_DUVOFORM_ACTION = re.compile(r"^(\./?|[\w.-]+/duvoform@[\w.-]+)$")

UsesHandler = Callable[["StepContext"], dict[str, str]]


@dataclass
class StepResult:
    """One step as the run left it."""

    id: str | None
    name: str
    outcome: str  # success, failure or skipped
    conclusion: str
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""
    summary: str = ""
    seconds: float = 0.0


@dataclass
class JobResult:
    """A job run: its steps, whether it ran at all, its summary, log and artifacts."""

    ran: bool
    steps: list[StepResult] = field(default_factory=list)
    artifacts: dict[str, list[Path]] = field(default_factory=dict)
    refused: str | None = None  # why GitHub would not start it (an environment's policy)

    @property
    def failed(self) -> bool:
        return any(step.conclusion == "failure" for step in self.steps)

    @property
    def log(self) -> str:
        return "\n".join(step.log for step in self.steps)

    @property
    def summary(self) -> str:
        return "".join(step.summary for step in self.steps)

    @property
    def annotations(self) -> list[tuple[str, str]]:
        return [(m.group(1), m.group(2)) for m in _ANNOTATION.finditer(self.log)]

    def step(self, key: str) -> StepResult:
        """The step with this id, or else this name."""
        for step in self.steps:
            if key in (step.id, step.name):
                return step
        raise KeyError(f"no step {key!r}; steps: {[s.id or s.name for s in self.steps]}")


@dataclass(frozen=True)
class Environment:
    """A GitHub environment: its secrets, and the refs its deployment branch policy allows
    (None: any)."""

    secrets: Mapping[str, str] = field(default_factory=dict)
    refs: frozenset[str] | None = None


@dataclass
class StepContext:
    """What a ``uses:`` handler gets: the step's ``with:`` values and the job's state."""

    uses: str
    inputs: dict[str, Any]
    env: dict[str, str]
    runner: ActionsRunner
    job: JobResult


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow file; YAML 1.1 reads the key ``on`` as ``True``, which is put back."""
    data: dict[Any, Any] = yaml.safe_load(path.read_text("utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


class ActionsRunner:
    """Runs jobs of workflow files in one workspace, like one repository's runner."""

    def __init__(
        self,
        *,
        workspace: Path,
        runner_temp: Path,
        action_path: Path,
        github: dict[str, Any],
        event: dict[str, Any],
        vars: Mapping[str, str],
        secrets: Mapping[str, str],
        handlers: Mapping[str, UsesHandler],
        extra_path: list[str] | None = None,
        offline_pip: bool = False,
        environments: Mapping[str, Environment] | None = None,
    ) -> None:
        self.workspace = workspace
        self.runner_temp = runner_temp
        self.action_path = action_path
        self.event = event
        self.github = Strict({**github, "event": _strict(event), "workspace": str(workspace)})
        self.vars = dict(vars)
        self.secrets = dict(secrets)
        self.handlers = dict(handlers)
        self.path_entries: list[str] = list(extra_path or [])
        self.offline_pip = offline_pip
        self.environments = dict(environments or {})
        self._counter = 0

    # -- environment --------------------------------------------------------------------

    def default_env(self) -> dict[str, str]:
        """The variables GitHub sets for every step."""
        event_path = self.runner_temp / "event.json"
        event_path.write_text(json.dumps(self.event), "utf-8")
        env = base_environment(self.runner_temp / "home", offline_pip=self.offline_pip)
        github = self.github
        env.update(
            {
                "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_REPOSITORY": github["repository"],
                "GITHUB_SHA": github["sha"],
                "GITHUB_REF": github["ref"],
                "GITHUB_REF_NAME": github["ref_name"],
                "GITHUB_EVENT_NAME": github["event_name"],
                "GITHUB_EVENT_PATH": str(event_path),
                "GITHUB_SERVER_URL": github["server_url"],
                "GITHUB_API_URL": github["api_url"],
                "GITHUB_RUN_ID": github["run_id"],
                "RUNNER_TEMP": str(self.runner_temp),
                "RUNNER_OS": "Linux",
            }
        )
        env["PATH"] = ":".join([*reversed(self.path_entries), env["PATH"]])
        return env

    def contexts(
        self, env: Mapping[str, str], steps: Mapping[str, Any], **extra: Any
    ) -> dict[str, Any]:
        return {
            "github": self.github,
            "env": dict(env),
            "vars": self.vars,
            "secrets": self.secrets,
            "runner": Strict({"temp": str(self.runner_temp), "os": "Linux"}),
            "steps": Strict(steps),
            **extra,
        }

    def evaluate_env(
        self, block: Mapping[str, Any] | None, env: dict[str, str], contexts: dict[str, Any]
    ) -> dict[str, str]:
        """``env`` with ``block``'s entries added, each evaluated with the env so far."""
        env = dict(env)
        for key, value in (block or {}).items():
            env[key] = to_string(interpolate(value, {**contexts, "env": dict(env)}))
        return env

    # -- jobs -----------------------------------------------------------------------------

    def run_job(self, workflow_file: Path, job_id: str) -> JobResult:
        """Run one job of a workflow file (whose ``if:`` may skip it)."""
        workflow = load_workflow(workflow_file)
        job = workflow["jobs"][job_id]
        shell = workflow.get("defaults", {}).get("run", {}).get("shell", "bash")
        if shell != "bash":
            raise AssertionError(f"only bash steps are run, not {shell}")
        result = JobResult(ran=False)
        contexts = self.contexts({}, {})
        if not condition(job.get("if"), contexts, Status()):
            return result
        result.ran = True
        if "environment" in job:
            # GitHub gives a job its environment's secrets, over the repository's, and refuses
            # to run it on a ref the environment's deployment branch policy does not allow.
            name = job["environment"]
            name = name["name"] if isinstance(name, dict) else name
            environment = self.environments.get(name, Environment())
            if environment.refs is not None and self.github["ref"] not in environment.refs:
                result.refused = f"{self.github['ref']} may not deploy to environment {name}"
                return result
            repository_secrets = self.secrets
            self.secrets = {**self.secrets, **environment.secrets}
            try:
                return self._run_job_steps(workflow, job, result, shell)
            finally:
                self.secrets = repository_secrets
        return self._run_job_steps(workflow, job, result, shell)

    def _run_job_steps(
        self, workflow: dict[str, Any], job: dict[str, Any], result: JobResult, shell: str
    ) -> JobResult:
        contexts = self.contexts({}, {})
        env = self.evaluate_env(workflow.get("env"), {}, contexts)
        env = self.evaluate_env(job.get("env"), env, contexts)
        self.run_steps(job["steps"], env, result, shell_required=False)
        return result

    def run_steps(
        self,
        steps: list[dict[str, Any]],
        env: dict[str, str],
        job: JobResult,
        *,
        shell_required: bool,
        extra: Mapping[str, Any] | None = None,
        status: Status | None = None,
    ) -> dict[str, Any]:
        """Run ``steps`` in order into ``job``; the ``steps`` context they made."""
        declared = Strict({s["id"]: None for s in steps if "id" in s})
        step_contexts: dict[str, Any] = dict(declared)
        failed = status.failed if status else False
        for spec in steps:
            contexts = self.contexts(env, step_contexts, **(extra or {}))
            name = to_string(interpolate(spec.get("name", spec.get("uses", "run")), contexts))
            if not condition(spec.get("if"), contexts, Status(failed=failed)):
                step = StepResult(spec.get("id"), name, "skipped", "skipped")
            else:
                step_env = self.evaluate_env(spec.get("env"), env, contexts)
                started = time.monotonic()
                step = self.run_step(spec, name, step_env, contexts, job, shell_required)
                step.seconds = time.monotonic() - started
                if step.outcome == "failure" and spec.get("continue-on-error"):
                    step.conclusion = "success"
            job.steps.append(step)
            if step.conclusion == "failure":
                failed = True
            if step.id is not None:
                step_contexts[step.id] = {
                    "outputs": step.outputs,
                    "outcome": step.outcome,
                    "conclusion": step.conclusion,
                }
        return step_contexts

    def run_step(
        self,
        spec: dict[str, Any],
        name: str,
        env: dict[str, str],
        contexts: dict[str, Any],
        job: JobResult,
        shell_required: bool,
    ) -> StepResult:
        if "uses" in spec:
            return self.run_uses(spec, name, env, contexts, job)
        if shell_required and spec.get("shell") != "bash":
            raise AssertionError(f"composite step {name!r} must say shell: bash")
        self._counter += 1
        files = {
            key: self.runner_temp / "_runner" / f"{key.lower()}-{self._counter}"
            for key in ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV", "GITHUB_STEP_SUMMARY")
        }
        for file in files.values():
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text("", "utf-8")
        full_env = {**self.default_env(), **env, **{k: str(v) for k, v in files.items()}}
        cwd = self.workspace / spec.get("working-directory", ".")
        script = self.runner_temp / "_runner" / f"step-{self._counter}.sh"
        shell = run_bash(spec["run"], cwd=cwd, env=full_env, script_file=script)
        self.path_entries.extend(
            line for line in files["GITHUB_PATH"].read_text("utf-8").splitlines() if line
        )
        if files["GITHUB_ENV"].read_text("utf-8"):
            raise AssertionError("GITHUB_ENV is not supported by this runner")
        outcome = "success" if shell.status == 0 else "failure"
        return StepResult(
            spec.get("id"),
            name,
            outcome,
            outcome,
            outputs=parse_outputs(files["GITHUB_OUTPUT"]),
            log=f"--- {name} (exit {shell.status})\n{shell.log}",
            summary=files["GITHUB_STEP_SUMMARY"].read_text("utf-8"),
        )

    def run_uses(
        self,
        spec: dict[str, Any],
        name: str,
        env: dict[str, str],
        contexts: dict[str, Any],
        job: JobResult,
    ) -> StepResult:
        uses = str(spec["uses"])
        inputs = {k: interpolate(v, contexts) for k, v in (spec.get("with") or {}).items()}
        if _DUVOFORM_ACTION.match(uses):
            return self.run_composite(spec, name, inputs, env, job)
        action = uses.split("@", 1)[0]
        handler = self.handlers.get(action)
        if handler is None:
            raise AssertionError(f"no stand-in for {uses}")
        outputs = handler(StepContext(uses, inputs, env, self, job))
        return StepResult(spec.get("id"), name, "success", "success", outputs=outputs)

    def run_composite(
        self,
        spec: dict[str, Any],
        name: str,
        given: dict[str, Any],
        env: dict[str, str],
        job: JobResult,
    ) -> StepResult:
        """This repository's ``action.yml``, with its inputs, steps and outputs."""
        action = yaml.safe_load((self.action_path / "action.yml").read_text("utf-8"))
        declared = action.get("inputs", {})
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise AssertionError(f"{spec['uses']} has no inputs {unknown}")
        base = self.contexts(env, {})
        inputs = Strict(
            {
                key: to_string(
                    given[key] if key in given else interpolate(meta.get("default", ""), base)
                )
                for key, meta in declared.items()
            }
        )
        env = {**env, "GITHUB_ACTION_PATH": str(self.action_path)}
        github = Strict({**self.github, "action_path": str(self.action_path)})
        start = len(job.steps)
        steps = self.run_steps(
            action["runs"]["steps"],
            env,
            job,
            shell_required=True,
            extra={"inputs": inputs, "github": github},
            status=Status(failed=job.failed),
        )
        inner = job.steps[start:]
        del job.steps[start:]
        contexts = self.contexts(env, steps, inputs=inputs, github=github)
        outputs = {
            key: to_string(interpolate(meta["value"], contexts))
            for key, meta in action.get("outputs", {}).items()
        }
        outcome = "failure" if any(s.conclusion == "failure" for s in inner) else "success"
        return StepResult(
            spec.get("id"),
            name,
            outcome,
            outcome,
            outputs=outputs,
            log="\n".join(s.log for s in inner),
            summary="".join(s.summary for s in inner),
        )


def _strict(value: Any) -> Any:
    """JSON data with every mapping ``Strict``, so a wrong event path is an error."""
    if isinstance(value, dict):
        return Strict({k: _strict(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_strict(v) for v in value]
    return value
