"""Apply: run a plan's steps against the Duvo API and report what happened (DESIGN §8).

- ``Executor(client, parallelism=8, reveal=..., listeners=...).run(plan, ids) -> ApplyReport``
  (``executor``): the DAG scheduler; one handler per ``Op`` (``handlers``), reconciliation of
  creates whose outcome is unknown (``context.create_once``).
- ``SecretReveal`` (``reveal``): secret values read at the last moment, checked before any
  write.
- ``Journal`` (``journal``): the append-only JSONL record under ``.duvoform/journal/``;
  ``find_applied`` recognises a plan already applied; ``plan_digest`` names a plan.
- ``saved``: what a saved plan file must pass before it runs (API URL and key, manifests on
  disk, freshness), and the plan made again from those manifests that runs instead of it.
- ``ApplyReport``, ``StepResult``, ``StepStatus`` (``report``): what happened, for
  ``duvoform.render.report``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duvoform.apply.events import ApplyListener
    from duvoform.apply.executor import DEFAULT_PARALLELISM, Executor, plan_steps
    from duvoform.apply.journal import Journal, find_applied, plan_digest, read_journal
    from duvoform.apply.report import ApplyReport, StepResult, StepStatus
    from duvoform.apply.reveal import SecretReveal

# Where each name lives. Loaded on first use, so that a kind's handlers can import
# ``duvoform.apply.context`` without loading the executor, which imports the handlers.
_HOMES = {
    "DEFAULT_PARALLELISM": "executor",
    "ApplyListener": "events",
    "ApplyReport": "report",
    "Executor": "executor",
    "Journal": "journal",
    "SecretReveal": "reveal",
    "StepResult": "report",
    "StepStatus": "report",
    "find_applied": "journal",
    "plan_digest": "journal",
    "plan_steps": "executor",
    "read_journal": "journal",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = [
    "DEFAULT_PARALLELISM",
    "ApplyListener",
    "ApplyReport",
    "Executor",
    "Journal",
    "SecretReveal",
    "StepResult",
    "StepStatus",
    "find_applied",
    "plan_digest",
    "plan_steps",
    "read_journal",
]
