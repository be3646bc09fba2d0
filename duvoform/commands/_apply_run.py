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
from duvoform.apply.saved import load_planned, open_saved, replan
from duvoform.commands._apply_stop import Interruption, failed_error
from duvoform.commands._progress import ProgressBar, ProgressLines
from duvoform.commands._prompt import confirm_apply
from duvoform.engine.plan import Plan
from duvoform.engine.planfile import PLAN_KEY_ENV
from duvoform.engine.planner import PlanOptions
from duvoform.engine.steps import Step
from duvoform.lookup.known import plan_remembering
from duvoform.manifest import Manifests
from duvoform.render import render_text
from duvoform.render.report import render_report, render_report_json

__all__ = ["ApplyRun"]


class ApplyRun:
    """One apply invocation: its options, and the output around the executor."""

    def __init__(
        self, app: App, *, parallelism: int, fmt: str, auto_approve: bool, from_file: bool
    ) -> None:
        self.app = app
        self.parallelism = parallelism
        self.fmt = fmt
        self.auto_approve = auto_approve
        self.from_file = from_file
        self.interruption = Interruption(from_file=from_file)

    def show_plan(self, plan: Plan) -> None:
        # In JSON mode stdout holds only the report; the plan goes to stderr for the log.
        console = self.app.err if self.fmt == "json" else self.app.out
        console.print(render_text(plan, verbose=self.app.verbosity > 0))

    async def confirm(self) -> None:
        if not self.auto_approve:
            self.app.err.print()
            await confirm_apply(err=self.fmt == "json")

    async def execute(
        self,
        client: DuvoClient,
        steps: Sequence[Step],
        ids: dict[str, str],
        reveal: SecretReveal,
    ) -> ApplyReport:
        journal = Journal(self.app.state_dir, api_url=self.app.api_url)
        self.interruption.journal = journal
        show_bar = self.app.err.is_terminal and self.app.color and self.fmt != "json"
        # Elsewhere (a CI log, say): a line now and then, so that a long run is not silent.
        progress = ProgressBar(self.app) if show_bar else ProgressLines()
        listeners: list[ApplyListener] = [journal, self.interruption, progress]
        executor = Executor(
            client,
            parallelism=self.parallelism,
            reveal=reveal,
            listeners=listeners,
        )
        try:
            return await executor.run(steps, ids)
        finally:  # also when interrupted: leave the terminal as it was, close the journal
            if isinstance(progress, ProgressBar):
                progress.stop()
            journal.close()

    def finish(self, report: ApplyReport) -> None:
        if self.fmt == "json":
            click.echo(render_report_json(report), nl=False)
        elif report.results:  # with nothing to do, the plan has said so already
            self.app.out.print()
            self.app.out.print(render_report(report, verbose=self.app.verbosity > 0))
        if not report.ok:
            raise failed_error(report, from_file=self.from_file)

    def interrupted(self, code: int = 130) -> NoReturn:
        """Say how far an apply stopped by Ctrl-C (or SIGTERM) got, and what to do next; exit
        ``code`` (130, or 143 for SIGTERM)."""
        self.interruption.exit(code)

    # -- the two modes -------------------------------------------------------------------

    async def from_manifests(self, manifests: Manifests, options: PlanOptions) -> ApplyReport:
        app = self.app
        async with app.client(concurrency=self.parallelism) as client:
            result = await plan_remembering(
                manifests, client, options, state_dir=app.state_dir, api_url=app.api_url
            )
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
        planfile = open_saved(
            path,
            plan_key=plan_key,
            api_url=self.app.api_url,
            key_fingerprint=self.app.key_fingerprint,
        )
        if planfile.signed and plan_key is None:
            click.echo(
                f"warning: {path} is signed, but {PLAN_KEY_ENV} is not set: its signature "
                "was not checked",
                err=True,
            )
        manifests = load_planned(planfile, path, paths, load)
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
