"""Applying a saved plan: what a plan file may choose, and what it never chooses.

A plan file is untrusted input (an artifact that travelled between CI jobs). It is applied only
when it is bound to what apply has in hand::

    file ─read_plan_file (checksum; signature with DUVOFORM_PLAN_KEY)─▶ PlanFile
    PlanFile ─check_api, check_key─▶ same API URL, same API key (keyed fingerprint)
    PlanFile ─planned_paths─▶ the manifests to load: PATH given, else the recorded root, which
                              must be the working directory or below it
    Manifests ─check_manifests─▶ the same manifest digest as planned
    (PlanFile, Manifests, client) ─replan─▶ fresh live state ─check_fresh─▶ stale? applied?
                              ─plan_against─▶ PlanResult, whose digest must equal the file's

What apply then runs is the ``PlanResult`` made from the manifests on disk: its steps, secret
references, server URLs and every value sent. The file contributes only the choice of plan
(targets and flags) and the expectations it is checked against, so an edited file can change
nothing but its own refusal. Without a plan key, that choice (``--prune``, ``--target``, the
``--allow-*`` flags) is only as trustworthy as the file's origin.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from duvoform.api.client import DuvoClient
from duvoform.api.config import normalise_base_url, shown_url
from duvoform.apply.journal import find_applied
from duvoform.engine.graph import DesiredState
from duvoform.engine.live import read_live_state
from duvoform.engine.planfile import PlanFile, check_fresh, read_plan_file
from duvoform.engine.planner import PlanResult, live_query, plan_against
from duvoform.errors import (
    DuvoformError,
    ManifestsChangedError,
    PlanFileError,
    PlanKeyError,
    StalePlanError,
    UsageError,
)
from duvoform.gcpause import paused_gc
from duvoform.manifest import Manifests
from duvoform.manifest.discover import find_root
from duvoform.manifest.files import FileFault, resolve_inside
from duvoform.text import quote

__all__ = [
    "Replanned",
    "check_api",
    "check_key",
    "check_manifests",
    "load_planned",
    "open_saved",
    "planned_paths",
    "replan",
]


@dataclass(frozen=True)
class Replanned:
    """A saved plan made again from the manifests on disk.

    ``result``: what to apply (None when the journal shows the plan was applied already and
    live state has moved on since: nothing to do). ``applied``: that journal file.
    """

    result: PlanResult | None
    applied: Path | None = None


def _same_api(plan_url: str, app_url: str) -> bool:
    if plan_url == app_url:
        return True
    try:
        return normalise_base_url(plan_url) == normalise_base_url(app_url)
    except DuvoformError:
        return False


def check_api(planfile: PlanFile, path: Path, api_url: str) -> None:
    """Refuse (``UsageError``) a plan made for another API URL."""
    if not _same_api(planfile.api_url, api_url):
        raise UsageError(
            f"the plan in {path} was made for {shown_url(planfile.api_url)}, not "
            f"{shown_url(api_url)}; apply it with the same --api-url, or make a new plan"
        )


def check_key(planfile: PlanFile, path: Path, key_fingerprint: str | None) -> None:
    """Refuse (``PlanKeyError``) a plan made with another API key than the one whose
    ``api_key_fingerprint`` is ``key_fingerprint`` (None: the embedded emulator)."""
    recorded = planfile.api_key_fingerprint or ""
    # Bytes: a forged file may hold any text, which compare_digest refuses as str.
    if not hmac.compare_digest(_bytes(recorded), _bytes(key_fingerprint or "")):
        raise PlanKeyError(
            f"the plan in {path} was made with another API key (another team?) than the one "
            "in DUVO_API_KEY; nothing was read or written. Apply it with the key it was made "
            "with, or make a new plan with this key"
        )


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _inside(relative: str, what: str, base: Path) -> Path:
    """``base / relative`` when ``relative`` stays at or below ``base`` (links resolved) and
    passes no hidden directory: ``manifest.files.resolve_inside``'s rules."""
    try:
        if "\\" in relative:
            raise FileFault("a backslash is not a path separator here")
        return resolve_inside(base, base, relative)
    except FileFault:
        raise PlanFileError(
            f"the plan names {what} {quote(relative)}, which is not inside "
            f"{base}; a saved plan loads manifests only from the working directory or below "
            "it. Name them: duvoform apply PLANFILE PATH"
        ) from None


def planned_paths(planfile: PlanFile, cwd: Path) -> list[Path]:
    """The manifest paths the plan was made from, under ``cwd``: the recorded root must be
    ``cwd`` or below it (never an absolute path, ``..`` or a link leading out), each recorded
    path must stay inside the root, and they must find that same root."""
    base = cwd.absolute()
    root = _inside(planfile.manifest_root, "the manifest root", base)
    paths = [_inside(item, "the manifest path", root) for item in planfile.manifest_paths] or [root]
    if not os.path.isdir(root):  # False for a name the system refuses (too long)
        raise PlanFileError(
            f"the plan was made from the manifests in {planfile.manifest_root}, which is not a "
            "directory here; apply it from the checkout it was made in, or name the manifests: "
            "duvoform apply PLANFILE PATH"
        )
    found, _ = find_root(paths)
    if os.path.normpath(found) != os.path.normpath(root):
        raise PlanFileError(
            f"the manifests the plan names have their root in {found}, not in "
            f"{planfile.manifest_root}; name them: duvoform apply PLANFILE PATH"
        )
    return paths


def check_manifests(planfile: PlanFile, manifests: Manifests, path: Path) -> None:
    """Refuse (``ManifestsChangedError``) manifests that are not the ones planned."""
    if manifests.digest != planfile.manifest_digest:
        raise ManifestsChangedError(
            f"the manifests changed since the plan in {path} was made (or were loaded with "
            "other --var, --var-file or --env values); nothing was read from the API or "
            "written. Make a new plan from the manifests as they are"
        )


def open_saved(
    path: Path,
    *,
    plan_key: str | None,
    api_url: str,
    key_fingerprint: Callable[[], str | None],
) -> PlanFile:
    """``read_plan_file(path)`` (its signature checked with ``plan_key`` when given), refused
    unless it was made for ``api_url`` (``check_api``), then with the key whose fingerprint
    ``key_fingerprint()`` gives (``check_key``; called only then, as it needs the key)."""
    planfile = read_plan_file(path, plan_key=plan_key)
    check_api(planfile, path, api_url)
    check_key(planfile, path, key_fingerprint())
    return planfile


def load_planned(
    planfile: PlanFile,
    path: Path,
    paths: Sequence[Path],
    load: Callable[[Sequence[Path]], Manifests],
) -> Manifests:
    """The manifests in ``paths`` (none: the ones the plan names, ``planned_paths`` under the
    working directory), loaded with ``load``; refused unless they are the ones planned."""
    manifests = load(list(paths) or planned_paths(planfile, Path.cwd()))
    check_manifests(planfile, manifests, path)
    return manifests


async def replan(
    planfile: PlanFile, manifests: Manifests, client: DuvoClient, path: Path, state_dir: Path
) -> Replanned:
    """Plan ``manifests`` again with the options the file records, against live state read
    now. ``StalePlanError`` naming every object that moved since the plan (unless the journal
    in ``state_dir`` shows this plan was applied: then ``Replanned(None, applied=...)``);
    ``ManifestsChangedError`` when the new plan is not the one in the file."""
    with paused_gc():
        desired = DesiredState.build(manifests)
        live = await read_live_state(client, live_query(desired))
        moved = check_fresh(planfile, live)
        if moved:
            applied = find_applied(state_dir, planfile.digest)
            if applied is None:
                raise StalePlanError(moved)
            return Replanned(None, applied=applied)
        result = plan_against(desired, live, planfile.options)
    if result.digest != planfile.digest:
        raise ManifestsChangedError(
            f"{path} does not hold the plan its manifests make against live state: it was "
            "changed after plan wrote it, or made by another duvoform version; nothing was "
            "written. Make a new plan"
        )
    return Replanned(result)
