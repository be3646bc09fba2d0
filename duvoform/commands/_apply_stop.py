"""What ``apply`` says when a run stops short: how far it got, and what to do next.

``Interruption`` listens to the run and explains a stop by Ctrl-C (or SIGTERM);
``failed_error`` is the error a run with failed steps ends with. After a saved plan ran part
way, the next step is always a new plan: the file is stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import click

from duvoform.apply import ApplyListener, ApplyReport, Journal
from duvoform.engine.steps import Step
from duvoform.errors import ApplyError

__all__ = ["Interruption", "failed_error"]


class Interruption(ApplyListener):
    """Remembers how far a run got, for the message when Ctrl-C stops it.

    ``journal``: the run's journal once it started; ``from_file``: the run applies a saved plan
    (which is stale once part of it ran).
    """

    def __init__(self, *, from_file: bool = False) -> None:
        self.total = 0
        self.report: ApplyReport | None = None
        self.in_flight: tuple[Step, ...] = ()
        self.journal: Journal | None = None
        self.from_file = from_file

    def run_started(self, steps: Sequence[Step], plan_digest: str) -> None:
        self.total = len(steps)

    def run_interrupted(self, report: ApplyReport, in_flight: Sequence[Step]) -> None:
        self.report = report
        self.in_flight = tuple(in_flight)

    def exit(self, code: int = 130) -> NoReturn:
        """Say how far the run got and what to do next; exit ``code`` (130, or 143 for
        SIGTERM)."""
        report = self.report
        journal = self.journal.path if self.journal is not None else None
        if journal is None or report is None:
            click.echo("\nInterrupted before anything was applied; nothing was changed.", err=True)
            raise click.exceptions.Exit(code)
        done = len(report.done)
        in_flight = len(self.in_flight)
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
            f"\nInterrupted: apply stopped part-way, with {done} of {self.total} "
            f"steps done{flight}. What was done stays done (journal: {journal}). Run "
            f"duvoform plan to see what is left; {again}.",
            err=True,
        )
        raise click.exceptions.Exit(code)


def failed_error(report: ApplyReport, *, from_file: bool) -> ApplyError:
    """The error of a run whose steps failed (``report.failed``), saying what to do next."""
    failed = len(report.failed)
    again = (
        "make a new plan (plan --out) and apply that: it starts where this run stopped"
        if from_file
        else "run apply again: it picks up where this run stopped"
    )
    return ApplyError(
        f"{failed} step{'s' if failed != 1 else ''} failed; what they need was "
        f"skipped. Fix the cause and {again}.",
        report,
    )
