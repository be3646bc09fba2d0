"""Plans: pure, sorted, serialisable data describing what apply will do.

A ``Plan`` is the output of diffing desired against live state, and the only input of the
executor. It never holds a secret value: secret headers appear as references such as
``{"env": "SNOWFLAKE_TOKEN"}``.

The JSON form (``Plan.to_json``) is a public contract (``plan --format json``): fields are only
ever added, never renamed or removed, and ``format_version`` changes if that promise breaks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from duvoform.api.routes import Route
from duvoform.engine.steps import Step

__all__ = [
    "ACTION_ORDER",
    "FORMAT_VERSION",
    "Action",
    "ApiCall",
    "Change",
    "FieldChange",
    "Plan",
]

FORMAT_VERSION = 1

JSONValue = Any  # a value json.dumps accepts


class Action(StrEnum):
    """What a change does to one resource."""

    CREATE = "create"
    UPDATE = "update"  # includes rename and folder moves
    BUILD = "build"  # a new build, promoted to live
    DELETE = "delete"
    AUTHORIZE = "authorize"  # needs a person in a browser (OAuth); apply reports it as pending


# Deletes come first in every rendering, so that nobody scrolls past one.
ACTION_ORDER: tuple[Action, ...] = (
    Action.DELETE,
    Action.CREATE,
    Action.UPDATE,
    Action.BUILD,
    Action.AUTHORIZE,
)


@dataclass(frozen=True)
class FieldChange:
    """One changed field, with the path renderers show (``build.sop``, ``folder``, ``name``).

    ``before`` is None for a create and ``after`` is None for a delete. Long text (an SOP) is
    kept whole here; renderers turn it into a line diff.
    """

    path: str
    before: JSONValue = None
    after: JSONValue = None

    def to_json(self) -> dict[str, JSONValue]:
        """The contract form: ``{"path", "before", "after"}``."""
        return {"path": self.path, "before": self.before, "after": self.after}


ApiCall = Route
"""One request a change will make: a route of ``duvoform.api.routes``."""


@dataclass(frozen=True)
class Change:
    """Everything that will happen to one resource, and what it needs to happen first."""

    kind: str
    name: str
    action: Action
    fields: tuple[FieldChange, ...] = ()
    requests: tuple[ApiCall, ...] = ()
    depends_on: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    live_id: str | None = None
    steps: tuple[Step, ...] = ()  # what the executor runs; kept out of the JSON contract

    @property
    def address(self) -> str:
        """``Kind/name``: how plans, targets and reports name a resource."""
        return f"{self.kind}/{self.name}"

    def to_json(self) -> dict[str, JSONValue]:
        """The contract form of one change (DESIGN §7)."""
        return {
            "address": self.address,
            "kind": self.kind,
            "name": self.name,
            "action": self.action.value,
            "fields": [f.to_json() for f in self.fields],
            "requests": [r.to_json() for r in self.requests],
            "depends_on": list(self.depends_on),
            "notes": list(self.notes),
            "live_id": self.live_id,
        }


@dataclass(frozen=True)
class Plan:
    """An ordered list of changes, with counts and warnings.

    ``changes`` is in execution order (dependencies first, deletes in reverse dependency
    order); renderers regroup them for reading, deletes first.
    """

    changes: tuple[Change, ...] = ()
    unchanged: int = 0
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    extra: dict[str, JSONValue] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        """True when applying this plan would make at least one request or need an OAuth flow."""
        return bool(self.changes)

    def summary(self) -> dict[str, int]:
        """Counts per action plus ``unchanged``, every key always present."""
        counts = Counter(change.action for change in self.changes)
        result = {action.value: counts.get(action, 0) for action in _SUMMARY_ORDER}
        result["unchanged"] = self.unchanged
        return result

    def by_action(self) -> Iterable[tuple[Action, tuple[Change, ...]]]:
        """Changes grouped for reading: deletes first, then creates, updates, builds, authorize."""
        for action in ACTION_ORDER:
            group = tuple(c for c in self.changes if c.action is action)
            if group:
                yield action, group

    def to_json(self) -> dict[str, JSONValue]:
        """The ``plan --format json`` contract (DESIGN §7); additive changes only."""
        doc: dict[str, JSONValue] = {
            "format_version": FORMAT_VERSION,
            "summary": self.summary(),
            "changes": [change.to_json() for change in self.changes],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }
        doc.update(self.extra)
        return doc


_SUMMARY_ORDER: tuple[Action, ...] = (
    Action.CREATE,
    Action.UPDATE,
    Action.BUILD,
    Action.DELETE,
    Action.AUTHORIZE,
)
