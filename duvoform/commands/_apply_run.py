"""How one ``duvoform apply`` runs: the prompt, the executor with its listeners, the report,
and what an interruption says. The checks a saved plan passes are ``duvoform.apply.saved``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import click

from duvoform.api.client import DuvoClient
from duvoform.app import App
from duvoform.apply import ApplyListener, ApplyReport, Executor, Journal, SecretReveal
from duvoform.apply.saved import check_api, check_key, check_manifests, planned_paths, replan
from duvoform.commands._progress import ProgressBar, ProgressLines
from duvoform.commands._prompt import ask_line
from duvoform.engine.plan import Plan
from duvoform.engine.planfile import PLAN_KEY_ENV, read_plan_file
from duvoform.engine.planner import PlanOptions, build_plan
from duvoform.engine.steps import Step
from duvoform.errors import ApplyError
from duvoform.lookup.known import remember_planned, with_known_names
from duvoform.manifest import Manifests
from duvoform.render import render_text
from duvoform.render.report import render_report, render_report_json

__all__ = ["ApplyRun", "Interruption"]


class Interruption(ApplyListener):
    """Remembers how far a run got, for the message when Ctrl-C stops it."""

    def __init__(self) -> None:
        self.total = 0
        self.report: ApplyReport | None = None
        self.in_flight: tuple[Step, ...] = ()

    def run_started(self, steps: Sequence[Step], plan_digest: str) -> None:
        self.total = len(steps)

    def run_interrupted(self, report: ApplyReport, in_flight: Sequence[Step]) -> None:
        self.report = report
        self.in_flight = tuple(in_flight)


class ApplyRun:
    """One apply invocation: its options, and the output around the executor."""

    def __init__(self, app: App, *, parallelism: int, fmt: str, auto_approve: bool) -> None:
        self.app = app
        self.parallelism = parallelism
        self.fmt = fmt
        self.auto_approve = auto_approve
        self.journal: Journal | None = None
        self.interruption = Interruption()
        self.from_file = False

    def show_plan(self, plan: Plan) -> None:
        # In JSON mode stdout holds only the report; the plan goes to stderr for the log.
        console = self.app.err if self.fmt == "json" else self.app.out
        console.print(render_text(plan, verbose=self.app.verbosity > 0))

    async def confirm(self) -> None:
        if self.auto_approve:
            return
        self.app.err.print()
        try:
            # In JSON mode stdout holds only the report: the question goes to stderr.
            answer = await ask_line(
                "Apply these changes? Only 'yes' is accepted: ", err=self.fmt == "json"
            )
        except EOFError:  # the end of input (Ctrl-D)
            click.echo(err=self.fmt == "json")
            raise ApplyError("apply cancelled (no answer): nothing was changed") from None
        if answer.strip() != "yes":
            raise ApplyError("apply cancelled: nothing was changed")

    async def execute(
        self,
        client: DuvoClient,
        steps: Sequence[Step],
        ids: dict[str, str],
        reveal: SecretReveal,
    ) -> ApplyReport:
        reveal.check(steps)  # every secret read and sendable before the first write
        journal = self.journal = Journal(self.app.state_dir, api_url=self.app.api_url)
        listeners: list[ApplyListener] = [journal, self.interruption]
        show_bar = self.app.err.is_terminal and self.app.color and self.fmt != "json"
        bar = ProgressBar(self.app) if show_bar else None
        if bar is None:  # a CI log, say: a line now and then, so that a long run is not silent
            listeners.append(ProgressLines())
        if bar is not None:
            listeners.append(bar)
        executor = Executor(
            client,
            parallelism=self.parallelism,
            reveal=reveal,
            listeners=listeners,
        )
        try:
            return await executor.run(steps, ids)
        finally:  # also when interrupted: leave the terminal as it was, close the journal
            if bar is not None:
                bar.stop()
            journal.close()

    def finish(self, report: ApplyReport) -> None:
        if self.fmt == "json":
            click.echo(render_report_json(report), nl=False)
        elif report.results:  # with nothing to do, the plan has said so already
            self.app.out.print()
            self.app.out.print(render_report(report, verbose=self.app.verbosity > 0))
        if not report.ok:
            failed = len(report.failed)
            # A saved plan is stale once part of it ran: the next step is a new plan.
            again = (
                "make a new plan (plan --out) and apply that: it starts where this run stopped"
                if self.from_file
                else "run apply again: it picks up where this run stopped"
            )
            raise ApplyError(
                f"{failed} step{'s' if failed != 1 else ''} failed; what they need was "
                f"skipped. Fix the cause and {again}.",
                report,
            )

    def interrupted(self, code: int = 130) -> NoReturn:
        """Say how far an apply stopped by Ctrl-C (or SIGTERM) got, and what to do next; exit
        ``code`` (130, or 143 for SIGTERM)."""
        journal = self.journal.path if self.journal is not None else None
        report = self.interruption.report
        if journal is None or report is None:
            click.echo("\nInterrupted before anything was applied; nothing was changed.", err=True)
            raise click.exceptions.Exit(code)
        done = len(report.done)
        in_flight = len(self.interruption.in_flight)
        flight = (
            f"; {in_flight} {'were' if in_flight != 1 else 'was'} in flight, and whether "
            f"{'they' if in_flight != 1 else 'it'} took effect is unknown"
            if in_flight
            else ""
        )
        again = (
            "make a new plan and apply it (this plan file is stale now)"
            if self.from_file
            else "duvoform apply finishes the job"
        )
        click.echo(
            f"\nInterrupted: apply stopped part-way, with {done} of {self.interruption.total} "
            f"steps done{flight}. What was done stays done (journal: {journal}). Run "
            f"duvoform plan to see what is left; {again}.",
            err=True,
        )
        raise click.exceptions.Exit(code)

    # -- the two modes -------------------------------------------------------------------

    async def from_manifests(self, manifests: Manifests, options: PlanOptions) -> ApplyReport:
        app = self.app
        options = with_known_names(options, app.state_dir, app.api_url)
        async with app.client(concurrency=self.parallelism) as client:
            result = await build_plan(manifests, client, options)
            remember_planned(result, app.state_dir, app.api_url)
            self.show_plan(result.plan)
            if not result.plan.has_changes:
                return ApplyReport()
            reveal = SecretReveal(result.manifest_root)
            reveal.check(result.steps)  # before the prompt: a missing secret stops it here
            await self.confirm()
            return await self.execute(client, result.steps, result.ids, reveal)

    async def from_plan_file(
        self, path: Path, paths: Sequence[Path], load: Callable[[Sequence[Path]], Manifests]
    ) -> ApplyReport:
        """Apply the plan saved in ``path`` as ``duvoform.apply.saved`` allows: bound to this
        API and key, made again from the manifests in ``paths`` (default: the ones it names,
        loaded with ``load``), which must be the ones planned."""
        plan_key = os.environ.get(PLAN_KEY_ENV) or None
        planfile = read_plan_file(path, plan_key=plan_key)
        check_api(planfile, path, self.app.api_url)
        check_key(planfile, path, self.app.key_fingerprint())
        if planfile.signed and plan_key is None:
            click.echo(
                f"warning: {path} is signed, but {PLAN_KEY_ENV} is not set: its signature "
                "was not checked",
                err=True,
            )
        manifests = load(list(paths) or planned_paths(planfile, Path.cwd()))
        check_manifests(planfile, manifests, path)
        async with self.app.client(concurrency=self.parallelism) as client:
            again = await replan(planfile, manifests, client, path, self.app.state_dir)
            if again.result is None:
                click.echo(
                    f"This plan was already applied (see {again.applied}); live state has "
                    "moved on since, so there is nothing to do. Run plan again to see where "
                    "things stand.",
                    err=True,
                )
                return ApplyReport(plan_digest=planfile.digest)
            result = again.result
            self.show_plan(result.plan)
            if not result.steps:
                return ApplyReport()
            reveal = SecretReveal(result.manifest_root)
            return await self.execute(client, result.steps, result.ids, reveal)
