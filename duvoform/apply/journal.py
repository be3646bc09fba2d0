"""The apply journal: an append-only JSON Lines record of each run, under ``.duvoform/journal/``.

One file per run, ``<UTC time>-<plan digest prefix>.jsonl``, one JSON object per line::

    {"event": "run_start", "time": ..., "plan_digest": ..., "api_url": ..., "steps": 12}
    {"event": "step_start", "time": ..., "step": "Folder/Finance#1", "op": ..., "address": ...}
    {"event": "step_done", "time": ..., "step": ..., "created": {"Folder/Finance": "<id>"}, ...}
    {"event": "step_failed", ..., "error": {"type": "ServerError", "status": 503, ...}}
    {"event": "step_skipped", ..., "because": {"step": ..., "address": ..., "pending": false}}
    {"event": "step_pending", ..., "message": "needs a person to authorize it ..."}
    {"event": "run_end", "time": ..., "ok": true, "summary": {...}, "requests": 40, ...}

A run stopped by Ctrl-C ends with ``{"event": "run_interrupted", ..., "summary": {...},
"in_flight": [{"step": ..., "op": ..., "address": ...}]}`` instead of ``run_end``: the steps in
flight had started and not ended, so whether their requests took effect is unknown (the next
plan reads it from live state).

Each line is written whole and flushed at once, so a killed process loses at most the line it
was writing (readers skip a torn last line). No line holds a secret: steps are journaled by id,
operation and address, never by their parameters, and errors keep only the API's ``error`` and
``message``. The journal is a record for people and for ``apply PLANFILE`` (which uses it to
recognise a plan that was already applied); apply never needs it to converge.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from duvoform import __version__
from duvoform.apply.events import ApplyListener
from duvoform.apply.report import ApplyReport, StepResult
from duvoform.engine.steps import Step, plan_digest
from duvoform.errors import ApplyError
from duvoform.redact import scrub
from duvoform.sanitise import json_text
from duvoform.statedir import make_state_dir

__all__ = ["JOURNAL_DIR", "Journal", "find_applied", "plan_digest", "read_journal"]

logger = logging.getLogger("duvoform.apply")

JOURNAL_DIR = "journal"
_PREFIX = 16


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Journal(ApplyListener):
    """Writes one run's events to ``<state_dir>/journal/<time>-<digest>.jsonl``.

    The file is opened at ``run_started`` (so a run refused before it starts leaves none) and
    closed at ``run_finished``; ``path`` is None until then.
    """

    def __init__(self, state_dir: Path, *, api_url: str) -> None:
        self.directory = state_dir / JOURNAL_DIR
        self.api_url = api_url
        self.path: Path | None = None
        self._file: IO[str] | None = None

    def _open(self, digest: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        base = f"{stamp}-{digest[:_PREFIX]}"
        try:
            make_state_dir(self.directory.parent, self.directory.name)
            for n in range(1, 1000):
                name = f"{base}.jsonl" if n == 1 else f"{base}-{n}.jsonl"
                try:
                    self._file = (self.directory / name).open("x", encoding="utf-8")
                except FileExistsError:
                    continue
                self.path = self.directory / name
                return
        except OSError as exc:
            raise ApplyError(
                f"cannot write the apply journal in {self.directory}: "
                f"{exc.strerror or exc}; nothing was applied"
            ) from None
        raise ApplyError(f"too many journal files named {base}* in {self.directory}")

    def write(self, event: str, **data: Any) -> None:
        """Append one event line and flush it.

        A write that fails once the run has started (a full disk) stops the journal with a
        warning in the log rather than the apply half-way: the journal is a record, and apply
        never needs it to converge.
        """
        if self._file is None:
            return
        line = json.dumps({"event": event, "time": _now(), **data}, ensure_ascii=False)
        line = scrub(line)  # the last gate: no record may hold a secret read in this run
        line = json_text(line)
        try:
            self._file.write(line + "\n")
            self._file.flush()
        except OSError as exc:
            logger.warning("the apply journal %s stopped: %s", self.path, exc.strerror or exc)
            self.close()

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None

    def run_started(self, steps: Sequence[Step], plan_digest: str) -> None:
        self._open(plan_digest)
        self.write(
            "run_start",
            plan_digest=plan_digest,
            api_url=self.api_url,
            steps=len(steps),
            version=__version__,
        )

    def step_started(self, step: Step) -> None:
        self.write("step_start", step=step.id, op=step.op.value, address=step.address)

    def step_finished(self, result: StepResult) -> None:
        self.write(f"step_{result.status.value}", **result.to_json())

    def run_finished(self, report: ApplyReport) -> None:
        self.write(
            "run_end",
            ok=report.ok,
            plan_digest=report.plan_digest,
            summary=report.counts(),
            requests=report.requests,
            seconds=round(report.seconds, 3),
        )
        self.close()

    def run_interrupted(self, report: ApplyReport, in_flight: Sequence[Step]) -> None:
        self.write(
            "run_interrupted",
            plan_digest=report.plan_digest,
            summary=report.counts(),
            in_flight=[
                {"step": step.id, "op": step.op.value, "address": step.address}
                for step in in_flight
            ],
            requests=report.requests,
            seconds=round(report.seconds, 3),
        )
        self.close()


def read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """The events of one journal file; a torn or unreadable line is skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    for line in text.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            yield event


def find_applied(state_dir: Path, digest: str) -> Path | None:
    """The journal of a finished run of the plan with ``digest`` that ended ok, if any."""
    directory = state_dir / JOURNAL_DIR
    if not directory.is_dir():
        return None
    for path in sorted(directory.glob(f"*-{digest[:_PREFIX]}*.jsonl"), reverse=True):
        for event in read_journal(path):
            if (
                event.get("event") == "run_end"
                and event.get("plan_digest") == digest
                and event.get("ok") is True
            ):
                return path
    return None
