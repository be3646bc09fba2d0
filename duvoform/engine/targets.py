"""``--target``: which changes a targeted plan keeps (``scope_of``) and the diff result kept to
them (``narrow``), before the plan is ordered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from duvoform.engine.context import DiffResult
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import LiveState
from duvoform.engine.plan import Change
from duvoform.errors import Problem, UnknownTargetError
from duvoform.kinds import kinds
from duvoform.kinds.registry import home
from duvoform.text import did_you_mean, quote

__all__ = ["narrow", "scope_of"]

_NOT_PLANNED = "nothing was planned"


def _resolve_target(
    target: str, changes: Sequence[Change], desired: DesiredState, live: LiveState
) -> str:
    """The address ``target`` names; ``UnknownTargetError`` when it names nothing."""
    kind, sep, name = target.partition("/")
    known_kinds = sorted(kinds())
    if not sep or kind not in known_kinds or not name:
        raise UnknownTargetError(
            [
                Problem(
                    None,
                    (
                        f"--target {quote(target)}: a target is Kind/name, with Kind one of "
                        + ", ".join(known_kinds),
                    ),
                )
            ],
            _NOT_PLANNED,
        )
    resource = desired.get(kind, name)
    if resource is not None:
        return desired.address(resource)
    if any(change.address == target for change in changes):
        return target
    if _live_exists(kind, name, live):
        return target
    candidates = [desired.address(r) for r in desired.resources]
    candidates += [c.address for c in changes]
    raise UnknownTargetError(
        [
            Problem(
                None,
                (
                    f"--target {quote(target)}: no {kind} {quote(name)} in the manifests or "
                    "live" + _hint(kind, name, target, candidates),
                ),
            )
        ],
        _NOT_PLANNED,
    )


def _hint(kind: str, name: str, target: str, candidates: list[str]) -> str:
    found = home(kind)
    return (found.target_hint(name, candidates) if found else "") or did_you_mean(
        target, candidates
    )


def _live_exists(kind: str, name: str, live: LiveState) -> bool:
    found = home(kind)
    return found is not None and bool(found.live_ids(live, name))


def scope_of(
    changes: Sequence[Change], targets: Iterable[str], desired: DesiredState, live: LiveState
) -> set[str]:
    """The addresses ``--target`` keeps: the targets, what they depend on (declared
    references), and every change whose steps theirs run after, transitively.

    Raises ``UnknownTargetError`` for a target that is not ``Kind/name`` or names nothing in
    the manifests, the changes or live state."""
    scope = {_resolve_target(t, changes, desired, live) for t in targets}
    by_address = {desired.address(r): r for r in desired.resources}
    owner = {step.id: change.address for change in changes for step in change.steps}
    by_change = {change.address: change for change in changes}
    pending = list(scope)
    while pending:
        address = pending.pop()
        found: list[str] = []
        resource = by_address.get(address)
        if resource is not None:
            found += [desired.address(dep) for dep in desired.dependencies_of(resource)]
        change = by_change.get(address)
        if change is not None:
            found += [owner[a] for step in change.steps for a in step.after if a in owner]
        for item in found:
            if item not in scope:
                scope.add(item)
                pending.append(item)
    return scope


def narrow(result: DiffResult, scope: set[str], desired: DesiredState) -> DiffResult:
    """``result`` kept to the changes, reads, expected absences, messages and refusals about
    ``scope``."""
    kept = [c for c in result.changes if c.address in scope]
    changed = {c.address for c in kept}
    owner = {live_id: address for address, live_id in result.ids.items()}
    return replace(
        result,
        changes=kept,
        unchanged=sum(
            1
            for r in desired.resources
            if desired.address(r) in scope and desired.address(r) not in changed
        ),
        warnings=[w for w in result.warnings if _about(w, scope)],
        notes=[n for n in result.notes if _about(n, scope)],
        read={(k, i) for k, i in result.read if owner.get(i) in scope},
        expected_absent=[e for e in result.expected_absent if _absent_address(e) in scope],
        safety=[(address, problem) for address, problem in result.safety if address in scope],
    )


def _about(message: str, scope: set[str]) -> bool:
    """True when a plan message is about one of the addresses in scope."""
    return any(message.startswith(f"{address}:") for address in scope)


def _absent_address(entry: dict[str, str]) -> str:
    return f"{entry['kind']}/{entry.get('name') or entry.get('path')}"
