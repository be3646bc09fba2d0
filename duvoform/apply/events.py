"""Listening to an apply as it runs: the journal and the progress bar are listeners.

The executor calls each listener in order, from the event loop, synchronously: a listener
must be quick (append a line, move a bar) and must never print a secret, which it cannot see
anyway (it gets steps, whose secrets are references, and results).
"""

from __future__ import annotations

from collections.abc import Sequence

from duvoform.apply.report import ApplyReport, StepResult
from duvoform.engine.steps import Step

__all__ = ["ApplyListener"]


class ApplyListener:
    """Does nothing on every event; subclasses override what they need."""

    def run_started(self, steps: Sequence[Step], plan_digest: str) -> None:
        """The run is about to start ``steps`` (secrets were checked; nothing written yet)."""

    def step_started(self, step: Step) -> None:
        """``step`` is about to send its first request."""

    def step_finished(self, result: StepResult) -> None:
        """A step ended: done, failed, skipped or pending."""

    def run_finished(self, report: ApplyReport) -> None:
        """Every step has ended."""

    def run_interrupted(self, report: ApplyReport, in_flight: Sequence[Step]) -> None:
        """The run was cancelled (Ctrl-C): ``report`` holds the steps that had ended, and
        ``in_flight`` those that had started and not ended (their outcome is unknown)."""
