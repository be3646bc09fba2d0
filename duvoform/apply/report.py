"""What an apply did: one ``StepResult`` per step, gathered in an ``ApplyReport``.

A step ends in one of four states:

- ``done``: every request it needed succeeded (``created`` names the ids it made or adopted);
- ``failed``: it stopped on an error (``error`` keeps the ``ApiError``/``TransportError`` or
  other ``DuvoformError``; ``message`` is its one-line text);
- ``skipped``: it never ran because a step it needs failed, was skipped or is waiting for a
  person (``because`` names the step at the root of it, ``because_address`` its resource);
- ``pending``: it needs a person (an OAuth connection to authorize); never a failure.

A skip caused only by a pending authorization is not a failure either: ``ApplyReport.ok`` is
True when nothing failed and nothing was skipped because something failed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from duvoform.engine.steps import Op
from duvoform.errors import ApiError, DuvoformError, TransportError

__all__ = ["ApplyReport", "StepResult", "StepStatus", "describe_error"]


class StepStatus(StrEnum):
    """How one step ended."""

    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    PENDING = "pending"


def describe_error(error: DuvoformError) -> dict[str, Any]:
    """The journal and JSON form of an error: its type, message and, for API errors, the
    request and the API's own ``error``/``message`` (never a request body)."""
    data: dict[str, Any] = {"type": type(error).__name__, "message": error.message}
    if isinstance(error, ApiError):
        data.update(
            method=error.method,
            path=error.path,
            status=error.status,
            api_error=error.error,
            api_message=error.api_message,
        )
    elif isinstance(error, TransportError):
        data.update(method=error.method, path=error.path, reason=error.reason)
    return data


@dataclass(frozen=True)
class StepResult:
    """How one step ended, with what it made and why it stopped."""

    step_id: str
    op: Op
    address: str
    status: StepStatus
    created: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    error: DuvoformError | None = None
    message: str | None = None
    because: str | None = None  # the step id at the root of a skip
    because_address: str | None = None
    because_pending: bool = False  # the skip waits for a person, not for a failure
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The ``apply --format json`` and journal form (no secret can be in it)."""
        data: dict[str, Any] = {
            "step": self.step_id,
            "op": self.op.value,
            "address": self.address,
            "status": self.status.value,
        }
        if self.created:
            data["created"] = dict(self.created)
        if self.notes:
            data["notes"] = list(self.notes)
        if self.error is not None:
            data["error"] = describe_error(self.error)
        elif self.message is not None:
            data["message"] = self.message
        if self.because is not None:
            data["because"] = {
                "step": self.because,
                "address": self.because_address,
                "pending": self.because_pending,
            }
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass(frozen=True)
class ApplyReport:
    """Every step's result in plan order, the requests the run made and how long it took."""

    results: tuple[StepResult, ...] = ()
    requests: int = 0
    seconds: float = 0.0
    plan_digest: str = ""

    def _with(self, status: StepStatus) -> tuple[StepResult, ...]:
        return tuple(result for result in self.results if result.status is status)

    @property
    def done(self) -> tuple[StepResult, ...]:
        """Steps that succeeded."""
        return self._with(StepStatus.DONE)

    @property
    def failed(self) -> tuple[StepResult, ...]:
        """Steps that stopped on an error."""
        return self._with(StepStatus.FAILED)

    @property
    def skipped(self) -> tuple[StepResult, ...]:
        """Steps that never ran because something they need did not happen."""
        return self._with(StepStatus.SKIPPED)

    @property
    def pending(self) -> tuple[StepResult, ...]:
        """Authorizations a person has to finish (``duvoform connect NAME``)."""
        return self._with(StepStatus.PENDING)

    @property
    def ok(self) -> bool:
        """True when nothing failed and nothing was skipped because of a failure."""
        return not self.failed and all(result.because_pending for result in self.skipped)

    def counts(self) -> dict[str, int]:
        """Steps per status, every status always present."""
        counted = Counter(result.status for result in self.results)
        return {status.value: counted.get(status, 0) for status in StepStatus}

    def created_ids(self) -> dict[str, str]:
        """Every id the run made or adopted, by id-map key (``Assignment/X``, ``...@build``)."""
        ids: dict[str, str] = {}
        for result in self.results:
            ids.update(result.created)
        return ids

    def to_json(self) -> dict[str, Any]:
        """The ``apply --format json`` document."""
        return {
            "format_version": 1,
            "ok": self.ok,
            "summary": {**self.counts(), "requests": self.requests},
            "seconds": round(self.seconds, 3),
            "plan_digest": self.plan_digest,
            "steps": [result.to_json() for result in self.results],
        }
