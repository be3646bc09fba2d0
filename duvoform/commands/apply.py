"""``duvoform apply [PATH... | PLANFILE]``: make live state match the manifests (DESIGN §8).

Manifest mode (manifest paths; none: the manifest root): plan exactly as ``duvoform plan``
does, show the plan, ask for confirmation (unless ``--auto-approve``), then run it. Without
``--auto-approve`` stdin must be a terminal: apply refuses, before reading anything, rather
than wait for an answer nobody can give (CI).

Plan-file mode (one path to a file written by ``plan --out``): read it, check that it was made
for this API, re-read live state and refuse, naming every object that moved, when the plan is
stale; nothing is written then. A saved plan was reviewed already, so it runs without a
prompt. When it is stale only because it was applied already (the journal says this exact
plan ended ok), apply says so and exits 0.

Every secret the steps need is read once before anything is written (a missing variable or
file is an error naming it). Secret header values are sent when a connection is created, when a
header is new, and with ``--rotate-secrets [NAME]`` (repeatable; without a NAME: every custom
MCP connection with secret headers; write ``--rotate-secrets=NAME`` or put it after the paths,
so that a path is not taken for a NAME). The run is journaled under ``.duvoform/journal/``,
shows a progress bar on a terminal (not with ``--no-color``, which asks for no terminal
formatting at all), and ends with a report (``--format json``: one JSON document on stdout).
Exit 0 when everything was done (OAuth authorizations left to a person, and the wiring that
waits for them, are reported as pending and do not count as failures: exit 0), 1 when anything
failed, 130 when interrupted (Ctrl-C; 143 for SIGTERM, handled alike: the message says how far
it got, the journal ends with ``run_interrupted``). Running apply again after an interruption
converges.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from duvoform.api.client import DuvoClient
from duvoform.api.config import normalise_base_url, shown_url
from duvoform.app import App, pass_app
from duvoform.apply import (
    ApplyListener,
    ApplyReport,
    Executor,
    Journal,
    SecretReveal,
    find_applied,
)
from duvoform.apply.signals import exit_code, run_interruptible
from duvoform.commands._options import (
    ManifestOptions,
    global_options,
    manifest_options,
    plan_options,
)
from duvoform.commands._progress import ProgressBar, ProgressLines
from duvoform.commands._prompt import ask_line
from duvoform.engine.live import read_live_state
from duvoform.engine.plan import Plan
from duvoform.engine.planfile import PlanFile, check_fresh, read_plan_file
from duvoform.engine.planner import PlanOptions, build_plan
from duvoform.engine.steps import Step
from duvoform.errors import ApplyError, DuvoformError, StalePlanError, UsageError
from duvoform.lookup.known import remember_planned, with_known_names
from duvoform.manifest import Manifests
from duvoform.render import render_text
from duvoform.render.report import render_report, render_report_json

__all__ = ["command"]

_MANIFEST_SUFFIXES = frozenset({".yaml", ".yml"})


class _Interruption(ApplyListener):
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


def _is_plan_file(paths: tuple[Path, ...]) -> bool:
    """One path that is not a manifest file or a directory: a saved plan (it may be missing,
    and reading it then says so)."""
    return (
        len(paths) == 1
        and not paths[0].is_dir()
        and paths[0].suffix not in _MANIFEST_SUFFIXES
        and (paths[0].is_file() or paths[0].suffix == ".json")
    )


def _same_api(plan_url: str, app_url: str) -> bool:
    if plan_url == app_url:
        return True
    try:
        return normalise_base_url(plan_url) == normalise_base_url(app_url)
    except DuvoformError:
        return False


class _Apply:
    """One apply invocation: its options, and the output around the executor."""

    def __init__(self, app: App, *, parallelism: int, fmt: str, auto_approve: bool) -> None:
        self.app = app
        self.parallelism = parallelism
        self.fmt = fmt
        self.auto_approve = auto_approve
        self.journal: Journal | None = None
        self.interruption = _Interruption()
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

    async def from_plan_file(self, path: Path) -> ApplyReport:
        planfile = read_plan_file(path)
        if not _same_api(planfile.api_url, self.app.api_url):
            raise UsageError(
                f"the plan in {path} was made for {shown_url(planfile.api_url)}, not "
                f"{shown_url(self.app.api_url)}; apply it with the same --api-url, or make a "
                "new plan"
            )
        # Secret files are read under the manifest root the plan was made in, and nowhere
        # else: in another checkout (or from a plan file that recorded no absolute root) a
        # file secret is an error before any write, never a file that happens to be here.
        recorded = Path(planfile.manifest_root) if planfile.manifest_root else None
        root = recorded if recorded is not None and recorded.is_absolute() else None
        no_files = None
        if root is None or not root.is_dir():
            no_files = (
                f"the plan was made in {planfile.manifest_root or 'an unrecorded directory'}, "
                "which is not a directory here; apply it from the checkout it was made in, "
                "or make a new plan here"
            )
        async with self.app.client(concurrency=self.parallelism) as client:
            live = await read_live_state(client, planfile.reads)
            moved = check_fresh(planfile, live)
            if moved:
                return self._refuse_stale(planfile, moved)
            self.show_plan(planfile.plan)
            if not planfile.steps:
                return ApplyReport()
            return await self.execute(
                client, planfile.steps, planfile.ids, SecretReveal(root, no_files=no_files)
            )

    def _refuse_stale(self, planfile: PlanFile, moved: list[str]) -> ApplyReport:
        """Refuse a stale plan; one the journal says was applied already is nothing to do
        (an empty report: ``--format json`` still prints its one document)."""
        applied = find_applied(self.app.state_dir, planfile.digest)
        if applied is None:
            raise StalePlanError(moved)
        click.echo(
            f"This plan was already applied (see {applied}); live state has moved on "
            "since, so there is nothing to do. Run plan again to see where things stand.",
            err=True,
        )
        return ApplyReport(plan_digest=planfile.digest)


@click.command("apply")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--auto-approve", is_flag=True, help="Apply without asking (needed when not at a terminal)."
)
@click.option(
    "--parallelism",
    type=click.IntRange(min=1, max=64),
    default=8,
    show_default=True,
    help="How many changes may run at once.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the report (json: one document on stdout).",
)
@plan_options
@manifest_options
@global_options
@pass_app
def command(
    app: App,
    paths: tuple[Path, ...],
    auto_approve: bool,
    parallelism: int,
    fmt: str,
    plan_options: PlanOptions,
    manifest_options: ManifestOptions,
) -> None:
    """Make live state match the manifests, or run a plan saved with `plan --out`."""
    run = _Apply(app, parallelism=parallelism, fmt=fmt, auto_approve=auto_approve)
    if _is_plan_file(paths):
        if plan_options != PlanOptions():
            raise UsageError(
                "--target, --prune, --allow-* and --rotate-secrets shape a plan; a saved plan "
                "was shaped when it was made (pass them to plan --out instead)"
            )
        run.from_file = True
        try:
            report = run_interruptible(run.from_plan_file(paths[0]))
        except KeyboardInterrupt as stop:
            run.interrupted(exit_code(stop))
    else:
        stray = [p for p in paths if p.is_file() and p.suffix not in _MANIFEST_SUFFIXES]
        if stray and len(paths) > 1:
            raise UsageError(
                f"{stray[0]} is not a manifest (.yaml or .yml); apply takes manifest paths, or "
                "one saved plan file alone (duvoform apply PLANFILE)"
            )
        manifests = manifest_options.load(paths)  # bad manifests are named before anything else
        for warning in manifests.warnings:
            click.echo(f"warning: {warning.render()}", err=True)
        if not auto_approve and not sys.stdin.isatty():
            raise UsageError(
                "apply asks for confirmation, but stdin is not a terminal; review the plan "
                "and pass --auto-approve to apply without asking (or apply a saved plan file)"
            )
        try:
            report = run_interruptible(run.from_manifests(manifests, plan_options))
        except KeyboardInterrupt as stop:
            run.interrupted(exit_code(stop))
    run.finish(report)
