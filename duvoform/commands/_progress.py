"""Progress of an apply on stderr: a bar at a terminal, otherwise a line now and then."""

from __future__ import annotations

import time
from collections.abc import Sequence

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from duvoform.app import App
from duvoform.apply import ApplyListener, ApplyReport, StepResult, StepStatus
from duvoform.engine.steps import Step

__all__ = ["PROGRESS_EVERY", "ProgressBar", "ProgressLines"]


class ProgressBar(ApplyListener):
    """A rich progress bar on stderr, advanced as steps end (only on a terminal)."""

    def __init__(self, app: App) -> None:
        self._progress = Progress(
            TextColumn("Applying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}", markup=False),  # an address is not markup
            console=app.err,
            transient=True,
        )
        self._task = self._progress.add_task("", total=0)
        self._running = False

    def run_started(self, steps: Sequence[Step], plan_digest: str) -> None:
        self._progress.update(self._task, total=len(steps))
        self._progress.start()
        self._running = True

    def step_finished(self, result: StepResult) -> None:
        self._progress.update(self._task, advance=1, description=result.address)

    def run_finished(self, report: ApplyReport) -> None:
        self.stop()

    def stop(self) -> None:
        """Remove the bar (idempotent)."""
        if self._running:
            self._running = False
            self._progress.stop()


PROGRESS_EVERY = 30.0
"""Seconds between progress lines when there is no progress bar (stderr is not a terminal)."""


class ProgressLines(ApplyListener):
    """Without a progress bar: a line on stderr at most every ``PROGRESS_EVERY`` seconds."""

    def __init__(self) -> None:
        self.total = 0
        self.ended = 0
        self.failed = 0
        self.started = self.last = time.monotonic()

    def run_started(self, steps: Sequence[Step], plan_digest: str) -> None:
        self.total = len(steps)
        self.started = self.last = time.monotonic()

    def step_finished(self, result: StepResult) -> None:
        self.ended += 1
        self.failed += result.status is StepStatus.FAILED
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY and self.ended < self.total:
            self.last = now
            failed = f", {self.failed} failed" if self.failed else ""
            click.echo(
                f"Applying: {self.ended} of {self.total} steps ended{failed} "
                f"({now - self.started:.0f} s)",
                err=True,
            )
