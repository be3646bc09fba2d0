"""The one exception tree of duvoform.

Every error a user can cause, and every fault the Duvo API can return, is a subclass of
``DuvoformError``. The CLI turns any of them into a message and an exit code; anything else is a
bug and keeps its traceback.

::

    DuvoformError                       exit 1 unless noted
     ├── UsageError                     bad flags or arguments (exit 2)
     ├── ManifestError                  carries every Problem found, each with a Location
     ├── ProjectError                   duvoform.yaml, var files, environments
     ├── SecretError                    a secret reference: unset variable, unreadable file
     ├── ApiError                       the API answered with an error status
     │    ├── AuthError                 401 / 403: the key was rejected or lacks the right
     │    ├── NotFoundError             404
     │    ├── ConflictError             409
     │    ├── RateLimitError            429 after the retry budget ran out
     │    └── ServerError               5xx after the retry budget ran out
     ├── TransportError                 no usable answer (connection refused, reset, timeout)
     │    └── UncertainWriteError       a create was sent; whether it happened is unknown
     ├── InconsistentListError          a paginated list kept shifting while it was read
     ├── AddressError                   an address (``Kind/name``) names no live object, or several
     ├── PlanError                      the plan cannot be made safely; carries Problems
     │    ├── AmbiguousIdentityError    two live objects share one identity
     │    ├── UnknownTargetError        ``--target`` names nothing
     │    └── SafetyError               protected objects, mass deletes, non-empty folders
     ├── StalePlanError                 live state changed since the plan file was written
     ├── PlanFileError                  a saved plan file is unreadable, corrupt or foreign
     │    ├── PlanKeyError              made with another API key (another team?)
     │    ├── PlanSignatureError        unsigned or badly signed while DUVOFORM_PLAN_KEY is set
     │    └── ManifestsChangedError     the manifests on disk are not the ones planned
     ├── ApplyError                     some changes failed; carries the report
     ├── ConnectError                   an OAuth flow could not start, was refused or timed out
     └── EmulatorError                  the local emulator could not start or was misconfigured

Errors carry objects (locations, requests, changes), not only strings, so that renderers can
format them and tests can assert on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from duvoform.sanitise import printable

__all__ = [
    "AddressError",
    "AmbiguousIdentityError",
    "ApiError",
    "ApplyError",
    "AuthError",
    "ConflictError",
    "ConnectError",
    "DuvoformError",
    "EmulatorError",
    "InconsistentListError",
    "Location",
    "ManifestError",
    "ManifestsChangedError",
    "NotFoundError",
    "PlanError",
    "PlanFileError",
    "PlanKeyError",
    "PlanSignatureError",
    "Problem",
    "ProjectError",
    "RateLimitError",
    "SafetyError",
    "SecretError",
    "ServerError",
    "StalePlanError",
    "TransportError",
    "UncertainWriteError",
    "UnknownTargetError",
    "UsageError",
]


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file; ``line`` and ``col`` are 1-based."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one resource (or one file), with every reason found for it.

    Rendered as ``file:line:col: Kind "name": reason`` when there is one reason, or as a
    header line followed by ``  - reason`` lines when there are several.
    """

    location: Location | None
    reasons: tuple[str, ...]
    address: str | None = None  # ``Kind "name"``-style subject, or None for whole-file problems

    def render(self) -> str:
        """Format this problem the way every duvoform error is shown to users."""
        head = f"{self.location}: " if self.location is not None else ""
        subject = f"{self.address}: " if self.address else ""
        if len(self.reasons) == 1:
            return f"{head}{subject}{self.reasons[0]}"
        lines = [f"{head}{subject}".rstrip(": ") + ":"]
        lines.extend(f"  - {reason}" for reason in self.reasons)
        return "\n".join(lines)


class DuvoformError(Exception):
    """Base of every error duvoform raises on purpose."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def render(self) -> str:
        """The text shown to the user (without a traceback)."""
        return self.message


class UsageError(DuvoformError):
    """A command was called with flags or arguments that cannot work together."""

    exit_code = 2


class _ProblemsError(DuvoformError):
    """An error that carries a list of problems, all reported at once."""

    def __init__(self, problems: Iterable[Problem], summary: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        self.summary = summary or f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(self.render())

    def render(self) -> str:
        body = "\n".join(problem.render() for problem in self.problems)
        return f"{body}\n{self.summary}" if body else self.summary


class ManifestError(_ProblemsError):
    """Manifests could not be loaded, templated, validated or resolved."""


class ProjectError(DuvoformError):
    """``duvoform.yaml``, a var file or an environment is wrong."""


class SecretError(DuvoformError):
    """A secret reference could not be resolved at apply time.

    The message names the environment variable or the file, never the value.
    """


class ApiError(DuvoformError):
    """The Duvo API answered with an error status.

    Carries the request method and path (a concrete path, never a query string with secrets),
    the HTTP status, and the API's own ``error`` and ``message`` fields.
    """

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        error: str | None = None,
        api_message: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.error = error
        self.api_message = api_message
        self.body = body or {}
        super().__init__(self._describe())

    def _describe(self) -> str:
        detail = printable(": ".join(part for part in (self.error, self.api_message) if part))
        return f"{self.method} {self.path} returned {self.status}" + (
            f" ({detail})" if detail else ""
        )


class AuthError(ApiError):
    """The API key was missing, rejected (401) or not allowed to do this (403)."""

    def _describe(self) -> str:
        if self.status == 403:
            why = (
                "the API key (DUVO_API_KEY or --api-key-file) was accepted but is not "
                f"allowed to do this (403 on {self.method} {self.path})"
            )
        else:
            why = (
                "the API key (DUVO_API_KEY or --api-key-file) was rejected by the Duvo API "
                f"(401 on {self.method} {self.path}); check that it is set, current, and "
                "belongs to the team you mean"
            )
        detail = printable(": ".join(part for part in (self.error, self.api_message) if part))
        return why + (f" [{detail}]" if detail else "")


class NotFoundError(ApiError):
    """The object does not exist or is not visible to this key (404)."""


class ConflictError(ApiError):
    """The request conflicts with the object's state (409)."""


class RateLimitError(ApiError):
    """Still rate limited (429) after every retry the budget allowed."""


class ServerError(ApiError):
    """The API failed (5xx) after every retry the budget allowed."""


class TransportError(DuvoformError):
    """No usable HTTP answer: connection refused or reset, or a timeout."""

    def __init__(self, method: str, path: str, reason: str) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        super().__init__(f"{method} {path} failed: {reason}")


class UncertainWriteError(TransportError):
    """A create was sent but its outcome is unknown (timeout, reset, 5xx after sending).

    Never retried blindly: the executor re-lists, adopts the object if it exists, and only
    then tries again, so that no duplicate is ever made.
    """

    def __init__(
        self,
        method: str,
        path: str,
        reason: str,
        status: int | None = None,
        *,
        message: str | None = None,
    ) -> None:
        self.status = status
        super().__init__(method, path, reason)
        self.message = (
            message or f"{method} {path}: outcome unknown ({reason}); the object may exist"
        )
        self.args = (self.message,)


class InconsistentListError(DuvoformError):
    """A paginated list changed under us on every attempt to read it."""


class AddressError(DuvoformError):
    """An address such as ``Assignment/Invoice triage`` names no live object, or several.

    ``candidates`` holds what the user may have meant: close names for an unknown one, the ids
    (with where they live) for an ambiguous one.
    """

    def __init__(self, message: str, candidates: Sequence[str] = ()) -> None:
        self.candidates = tuple(candidates)
        super().__init__(message)


class PlanError(_ProblemsError):
    """The plan cannot be made safely; every reason is listed."""


class AmbiguousIdentityError(PlanError):
    """Two or more live objects match one manifest identity; pin one with ``metadata.id``."""


class UnknownTargetError(PlanError):
    """A ``--target`` address names no resource in the manifests or live state."""


class SafetyError(PlanError):
    """A safety rail refused the plan: protected objects, mass deletes, non-empty folders."""


class StalePlanError(DuvoformError):
    """The live objects a saved plan read have changed since; nothing was written."""

    def __init__(self, changed: Sequence[str]) -> None:
        self.changed = tuple(changed)
        lines = "\n".join(f"  - {item}" for item in self.changed)
        super().__init__(
            "the saved plan is stale: live state changed since it was made, so nothing was "
            f"applied. Run plan again. Changed:\n{lines}"
        )


class PlanFileError(DuvoformError):
    """A saved plan file cannot be used: unreadable, not JSON, not a duvoform plan, or of a
    format version this release does not read."""


class PlanKeyError(PlanFileError):
    """A saved plan was made with another API key than the one in use (another team, or
    another key of the same team); nothing was read or written."""


class PlanSignatureError(PlanFileError):
    """``DUVOFORM_PLAN_KEY`` is set and the plan file is unsigned or its signature does not
    match: the file was made elsewhere or edited."""


class ManifestsChangedError(PlanFileError):
    """The manifests loaded for a saved plan differ from the ones it was made from, or do not
    plan what the file says; nothing was written."""


class ApplyError(DuvoformError):
    """Some changes failed during apply; the report says which, and what was skipped."""

    def __init__(self, message: str, report: Any = None) -> None:
        self.report = report
        super().__init__(message)


class ConnectError(DuvoformError):
    """An OAuth flow (``duvoform connect``) could not start, was refused, or timed out."""


class EmulatorError(DuvoformError):
    """The local Duvo emulator could not start or was given a bad setting."""


@dataclass
class ProblemCollector:
    """Collects problems so that validators can report every one at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self, location: Location | None, reason: str | Sequence[str], address: str | None = None
    ) -> None:
        """Record one problem (one or many reasons) for one subject."""
        reasons = (reason,) if isinstance(reason, str) else tuple(reason)
        self.problems.append(Problem(location, reasons, address))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_manifest_error(self) -> None:
        """Raise ``ManifestError`` with everything collected, if anything was."""
        if self.problems:
            raise ManifestError(sorted(self.problems, key=_problem_order))


def _problem_order(problem: Problem) -> tuple[str, int, int]:
    loc = problem.location
    return (loc.file, loc.line, loc.col) if loc else ("", 0, 0)
