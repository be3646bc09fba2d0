"""The executor: runs a plan's steps as a DAG against the Duvo API (DESIGN §8).

::

    steps ──check (ids unique, `after` known, no cycle; every secret readable)──▶ nothing written
      │                                                       on any problem
      ▼
    one task per step: wait for its `after` steps ──▶ all done? ──no──▶ skipped (names the cause)
                                                       │yes
                                                       ▼
                                  take one of `parallelism` slots ──▶ handler ──▶ done | failed
                                                                                  | pending

A step starts as soon as the steps it needs are done; at most ``parallelism`` run at once (the
client adds its own bound on requests in flight, and one shared rate limiter). A failed step
skips every step that needs it, transitively; independent work goes on. ``connection.authorize``
ends ``pending``, and what needs it is skipped without failing the run. The id map starts from
the plan's ``ids`` (address -> live id) and grows with every create; handlers resolve
references just before each request.

The executor holds no state between runs: an interrupted apply is fixed by planning and
applying again, because the plan is made from live state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from duvoform.api.client import DuvoClient
from duvoform.apply.batch import MoveBatcher
from duvoform.apply.context import DEFAULT_CREATE_ATTEMPTS, Reveal, StepContext
from duvoform.apply.events import ApplyListener
from duvoform.apply.handlers import HANDLERS
from duvoform.apply.report import ApplyReport, StepResult, StepStatus
from duvoform.apply.reveal import SecretReveal
from duvoform.engine.plan import Plan
from duvoform.engine.steps import Op, Step, plan_digest
from duvoform.errors import ApplyError, DuvoformError
from duvoform.redact import scrub_error

__all__ = ["DEFAULT_PARALLELISM", "Executor", "plan_steps"]

DEFAULT_PARALLELISM = 8


def plan_steps(plan: Plan) -> tuple[Step, ...]:
    """Every step of ``plan``, in its changes' execution order."""
    return tuple(step for change in plan.changes for step in change.steps)


class Executor:
    """Runs steps against ``client``; one ``Executor`` may run several plans in turn.

    ``reveal`` reads secret values (default: ``SecretReveal()`` under the current directory);
    ``listeners`` hear every event (the journal, a progress bar); ``create_attempts`` bounds
    the tries of a create whose answers keep getting lost.
    """

    def __init__(
        self,
        client: DuvoClient,
        *,
        parallelism: int = DEFAULT_PARALLELISM,
        reveal: Reveal | None = None,
        listeners: Iterable[ApplyListener] = (),
        create_attempts: int = DEFAULT_CREATE_ATTEMPTS,
        batch_moves: bool = True,
    ) -> None:
        if parallelism < 1:
            raise ApplyError(f"parallelism must be at least 1, not {parallelism}")
        self.client = client
        self.parallelism = parallelism
        self.reveal: Reveal = reveal or SecretReveal()
        self.listeners = tuple(listeners)
        self.create_attempts = max(1, create_attempts)
        self.batch_moves = batch_moves

    async def run(
        self, plan: Plan | Sequence[Step], ids: Mapping[str, str] | None = None
    ) -> ApplyReport:
        """Apply ``plan`` (or its steps) starting from the id map ``ids``.

        Raises ``ApplyError`` for a malformed plan and ``SecretError`` for an unreadable
        secret, both before any request; otherwise returns the report, whatever failed.
        """
        steps = plan_steps(plan) if isinstance(plan, Plan) else tuple(plan)
        _check_graph(steps)
        check = getattr(self.reveal, "check", None)
        if callable(check):
            check(steps)
        digest = plan_digest(steps, ids or {})
        for listener in self.listeners:
            listener.run_started(steps, digest)
        started = time.monotonic()
        first_request = self.client.request_count
        run = _Run(self, steps, dict(ids or {}))
        try:
            results = await run.execute()
        except asyncio.CancelledError:
            # Interrupted (Ctrl-C): say what had ended and what was in flight, then stop.
            ended = tuple(run.results[step.id] for step in steps if step.id in run.results)
            partial = ApplyReport(
                results=ended,
                requests=self.client.request_count - first_request,
                seconds=time.monotonic() - started,
                plan_digest=digest,
            )
            in_flight = tuple(step for step in steps if step.id in run.running)
            for listener in self.listeners:
                listener.run_interrupted(partial, in_flight)
            raise
        report = ApplyReport(
            results=results,
            requests=self.client.request_count - first_request,
            seconds=time.monotonic() - started,
            plan_digest=digest,
        )
        for listener in self.listeners:
            listener.run_finished(report)
        return report


class _Run:
    """The state of one run: results so far, the id map, the slots."""

    def __init__(self, executor: Executor, steps: tuple[Step, ...], ids: dict[str, str]) -> None:
        self.executor = executor
        self.steps = steps
        self.ids = ids
        self.known: dict[tuple[str, str], Any] = {}
        self.results: dict[str, StepResult] = {}
        self.running: set[str] = set()  # started and not ended (left as is when cancelled)
        self.finished = {step.id: asyncio.Event() for step in steps}
        self.slots = asyncio.Semaphore(executor.parallelism)
        self.mover = MoveBatcher(executor.client) if executor.batch_moves else None

    async def execute(self) -> tuple[StepResult, ...]:
        async with asyncio.TaskGroup() as group:
            for step in self.steps:
                group.create_task(self._one(step))
        return tuple(self.results[step.id] for step in self.steps)

    async def _one(self, step: Step) -> None:
        for dep in step.after:
            await self.finished[dep].wait()
        blocker = _blocker([self.results[dep] for dep in step.after])
        if blocker is not None:
            result = _skipped(step, blocker)
        elif step.op is Op.AGENTS_MOVE and self.mover is not None:
            # Moves wait for their batch without holding a slot, so that a batch can grow
            # past the parallelism; the request itself is bounded by the client.
            result = await self._execute(step)
        else:
            async with self.slots:
                result = await self._execute(step)
        self.results[step.id] = result
        self.finished[step.id].set()
        for listener in self.executor.listeners:
            listener.step_finished(result)

    async def _execute(self, step: Step) -> StepResult:
        for listener in self.executor.listeners:
            listener.step_started(step)
        self.running.add(step.id)
        ctx = StepContext(
            step=step,
            client=self.executor.client,
            ids=self.ids,
            known=self.known,
            reveal=self.executor.reveal,
            create_attempts=self.executor.create_attempts,
            move=self.mover.move if self.mover is not None else None,
        )
        started = time.monotonic()
        error: DuvoformError | None = None
        try:
            await HANDLERS[step.op](ctx)
        except DuvoformError as exc:
            error = exc
        except ValidationError as exc:
            # The client checks bodies before sending; a plan whose parameters do not make a
            # valid request fails its step (request models never quote the input).
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "body"
            error = ApplyError(
                f"the step's parameters do not make a valid {exc.title} "
                f"({exc.error_count()} problem(s), first at {where}: {first['msg']})"
            )
        seconds = time.monotonic() - started
        self.running.discard(step.id)
        if error is not None:
            # An API may quote the request back in its error: never let a secret out that way.
            error = scrub_error(error, ctx.secrets_sent)
            status = StepStatus.FAILED
        elif ctx.pending is not None:
            status = StepStatus.PENDING
        else:
            status = StepStatus.DONE
        return StepResult(
            step_id=step.id,
            op=step.op,
            address=step.address,
            status=status,
            created=dict(ctx.created),
            notes=tuple(ctx.notes),
            error=error,
            message=error.message if error is not None else ctx.pending,
            seconds=seconds,
        )


def _blocker(deps: Sequence[StepResult]) -> StepResult | None:
    """The dependency that stops a step: a failure first, then a pending authorization."""
    stopped = [dep for dep in deps if dep.status is not StepStatus.DONE]
    if not stopped:
        return None

    def is_failure(dep: StepResult) -> bool:
        if dep.status is StepStatus.FAILED:
            return True
        return dep.status is StepStatus.SKIPPED and not dep.because_pending

    failures = [dep for dep in stopped if is_failure(dep)]
    return (failures or stopped)[0]


def _skipped(step: Step, blocker: StepResult) -> StepResult:
    if blocker.status is StepStatus.SKIPPED:
        cause, address, pending = (
            blocker.because,
            blocker.because_address,
            blocker.because_pending,
        )
    else:
        cause, address = blocker.step_id, blocker.address
        pending = blocker.status is StepStatus.PENDING
    why = "waits for a person to authorize" if pending else "needs"
    tail = "" if pending else ", which failed"
    return StepResult(
        step_id=step.id,
        op=step.op,
        address=step.address,
        status=StepStatus.SKIPPED,
        message=f"{why} {address}{tail}",
        because=cause,
        because_address=address,
        because_pending=pending,
    )


def _check_graph(steps: Sequence[Step]) -> None:
    """Refuse a malformed plan before anything is written: duplicate step ids, an ``after``
    naming no step, an unknown op, or a dependency cycle."""
    problems: list[str] = []
    known: set[str] = set()
    for step in steps:
        if step.id in known:
            problems.append(f"step {step.id} appears twice")
        known.add(step.id)
        if step.op not in HANDLERS:
            problems.append(f"step {step.id} has an operation no handler runs ({step.op})")
    for step in steps:
        for dep in step.after:
            if dep not in known:
                problems.append(f"step {step.id} needs step {dep}, which is not in the plan")
    if not problems:
        cycle = _find_cycle(steps)
        if cycle:
            problems.append("steps depend on each other in a cycle: " + " -> ".join(cycle))
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise ApplyError(f"the plan cannot be applied; nothing was written:\n{lines}")


def _find_cycle(steps: Sequence[Step]) -> list[str]:
    after = {step.id: step.after for step in steps}
    state: dict[str, int] = {}  # 1: on the path, 2: finished
    for root in after:
        if root in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            deps = after[node]
            if index < len(deps):
                stack.append((node, index + 1))
                dep = deps[index]
                if state.get(dep) == 1:
                    return [*path[path.index(dep) :], dep]
                if dep not in state:
                    stack.append((dep, 0))
            else:
                state[node] = 2
                path.pop()
    return []
