"""Plan files: a saved plan, bound to its API key, its API URL and its manifests.

``plan --out FILE`` writes one JSON document::

    {"checksum": "<sha256 of the rest>", "signature": "hmac-sha256:<hex>" (only when signed),
     "format_version": 2, "kind": "duvoform-plan", "created_at": "2026-01-01T00:00:00Z",
     "api_url": "https://api.duvo.ai", "api_key_fingerprint": "<hex>" (null for local),
     "manifest_digest": "<sha256>",
     "manifest_root": "<the root, relative to the working directory plan ran in>",
     "manifest_paths": ["<a path plan loaded, relative to the root>", ...],
     "targets": ["Kind/name", ...],
     "options": {"prune": false, "allow_mass_delete": false, "allow_nonempty_folder_delete": false,
                 "allow_duplicate": false,
                 "rotate_secrets": false | true | ["<connection name>", ...]},
     "plan": <Plan.to_json()>,
     "steps": [<Step.to_json()>, ... in execution order],
     "ids": {"<address>": "<live id>", "<address>@build": "<live build id>"},
     "fingerprints": {"<kind>/<live id>": "<sha256>"},
     "expected_absent": [{"kind": "Folder", "path": "A/B"}, {"kind": "Assignment", "name": "X"}],
     "reads": {"credentials_for": ["<connection id>"], "slots_for": ["<assignment id>"]}}

``checksum`` and ``signature`` seal the file (``duvoform.engine.planseal``).
``api_key_fingerprint``: see the function. No secret value is ever in the file (secret headers
are ``{"$secret": {...}}`` markers); the API URL is written without credentials or query.

``read_plan_file`` gives a ``PlanFile`` or a ``PlanFileError`` saying what is wrong;
``check_fresh`` names every object that moved since. What a saved plan may do when applied is
decided in ``duvoform.apply.saved``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from duvoform.engine.fingerprint import fingerprint
from duvoform.engine.live import LiveQuery, LiveState
from duvoform.engine.plan import Action, ApiCall, Change, FieldChange, Plan
from duvoform.engine.planner import PlanOptions, PlanResult
from duvoform.engine.planseal import PLAN_KEY_ENV, api_key_fingerprint, plan_file_text, unseal
from duvoform.engine.steps import Step, plan_digest
from duvoform.errors import PlanFileError
from duvoform.kinds.registry import home
from duvoform.text import shorten

__all__ = [
    "PLAN_FILE_KIND",
    "PLAN_FILE_VERSION",
    "PLAN_KEY_ENV",
    "PlanFile",
    "api_key_fingerprint",
    "check_fresh",
    "plan_file_document",
    "plan_file_text",
    "read_plan_file",
    "write_plan_file",
]

PLAN_FILE_KIND = "duvoform-plan"
PLAN_FILE_VERSION = 2

_FLAGS = ("prune", "allow_mass_delete", "allow_nonempty_folder_delete", "allow_duplicate")


@dataclass(frozen=True)
class PlanFile:
    """A plan file as read back: the plan with its steps, and what it expects of live state."""

    created_at: str
    api_url: str
    api_key_fingerprint: str | None
    manifest_digest: str
    manifest_root: str
    manifest_paths: tuple[str, ...]
    plan: Plan
    steps: tuple[Step, ...]
    ids: dict[str, str]
    fingerprints: dict[str, str]
    expected_absent: tuple[dict[str, str], ...]
    targets: tuple[str, ...] = ()
    options: PlanOptions = field(default_factory=PlanOptions)
    """The flags the plan was made with, and its targets."""
    reads: LiveQuery = field(default_factory=LiveQuery)
    """What to read beyond the lists to check the fingerprints (credentials, slots)."""
    signed: bool = False
    """True when the file carries a signature (checked only when a plan key was given)."""

    @property
    def digest(self) -> str:
        """The plan digest (``steps.plan_digest``), equal to the ``PlanResult.digest`` it
        was written from."""
        return plan_digest(self.steps, self.ids)


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _relative(path: Path, start: Path) -> str:
    # Relative, in POSIX form: the plan is applied in another checkout (a CI job), where only
    # a root at or below the working directory is loaded.
    return Path(os.path.relpath(path.absolute(), start.absolute())).as_posix()


def _rotation(value: bool | frozenset[str]) -> bool | list[str]:
    return value if isinstance(value, bool) else sorted(value)


def plan_file_document(
    result: PlanResult,
    *,
    api_url: str,
    key_fingerprint: str | None = None,
    cwd: Path | None = None,
    created_at: str | None = None,
) -> dict[str, Any]:
    """The plan file's JSON document for ``result`` (see the module docstring): made with the
    API key of ``key_fingerprint`` (``api_key_fingerprint``; None: the embedded emulator)
    against ``api_url``, in the working directory ``cwd`` (default: the current one)."""
    when = created_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = result.manifest_root.absolute()
    paths = result.desired.manifests.paths or (root,)
    return {
        "format_version": PLAN_FILE_VERSION,
        "kind": PLAN_FILE_KIND,
        "created_at": when,
        "api_url": _safe_url(api_url),
        "api_key_fingerprint": key_fingerprint,
        "manifest_digest": result.manifest_digest,
        "manifest_root": _relative(root, cwd or Path.cwd()),
        "manifest_paths": sorted({_relative(path, root) for path in paths}),
        "targets": list(result.targets),
        "options": {
            **{name: getattr(result.options, name) for name in _FLAGS},
            "rotate_secrets": _rotation(result.options.rotate_secrets),
        },
        "plan": result.plan.to_json(),
        "steps": [step.to_json() for step in result.steps],
        "ids": dict(result.ids),
        "fingerprints": dict(result.fingerprints),
        "expected_absent": [dict(entry) for entry in result.expected_absent],
        "reads": {
            "credentials_for": sorted(result.live.credentials),
            "slots_for": sorted({agent_id for agent_id, _ in result.live.slots}),
        },
    }


def write_plan_file(
    path: Path,
    result: PlanResult,
    *,
    api_url: str,
    key_fingerprint: str | None = None,
    plan_key: str | None = None,
    cwd: Path | None = None,
    created_at: str | None = None,
) -> None:
    """Write the plan file for ``result`` to ``path`` (atomically: all or nothing), signed
    when ``plan_key`` is given (see ``plan_file_document`` for the rest)."""
    doc = plan_file_document(
        result, api_url=api_url, key_fingerprint=key_fingerprint, cwd=cwd, created_at=created_at
    )
    text = plan_file_text(doc, plan_key=plan_key)
    target = path.absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".duvoform-plan-", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, FileExistsError | NotADirectoryError):
            reason = "a file stands where a directory should be"
        raise PlanFileError(f"cannot write the plan file {path}: {reason}") from None


def read_plan_file(path: Path, *, plan_key: str | None = None) -> PlanFile:
    """Read a plan file; ``PlanFileError`` when it is unreadable, corrupt or foreign, and
    ``PlanSignatureError`` when ``plan_key`` is given and the file is not signed with it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(f"cannot read the plan file {path}: {exc.strerror or exc}") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError(f"{path} is not a duvoform plan file (not valid JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("kind") != PLAN_FILE_KIND:
        raise PlanFileError(
            f'{path} is not a duvoform plan file (expected "kind": "{PLAN_FILE_KIND}"); '
            "write one with `duvoform plan --out FILE`"
        )
    version = doc.get("format_version")
    if version != PLAN_FILE_VERSION:
        raise PlanFileError(
            f"{path} is a plan file of format version {shorten(repr(version))}; this duvoform "
            f"reads version {PLAN_FILE_VERSION} (bound to its API key and its manifests). Run "
            "plan --out again with this version"
        )
    signed = unseal(path, doc, plan_key)
    try:
        return _parse(doc, signed=signed)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        why = shorten(f"{type(exc).__name__}: {exc}", 200)  # it may quote a huge value
        raise PlanFileError(
            f"{path} is a damaged duvoform plan file ({why}); run plan again"
        ) from None


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError("expected an object of strings")
    return {str(k): str(v) for k, v in value.items()}


def _parse(doc: dict[str, Any], *, signed: bool) -> PlanFile:
    steps = tuple(Step.from_json(item) for item in doc["steps"])
    by_address: dict[str, list[Step]] = {}
    for step in steps:
        by_address.setdefault(step.address, []).append(step)
    plan_doc = doc["plan"]
    changes = tuple(_change(item, by_address) for item in plan_doc["changes"])
    plan = Plan(
        changes=changes,
        unchanged=int(plan_doc["summary"]["unchanged"]),
        warnings=tuple(str(w) for w in plan_doc.get("warnings", ())),
        notes=tuple(str(n) for n in plan_doc.get("notes", ())),
    )
    return PlanFile(
        created_at=str(doc["created_at"]),
        api_url=str(doc["api_url"]),
        api_key_fingerprint=_optional(doc["api_key_fingerprint"]),
        manifest_digest=str(doc["manifest_digest"]),
        manifest_root=str(doc["manifest_root"]),
        manifest_paths=tuple(str(p) for p in doc["manifest_paths"]),
        plan=plan,
        steps=steps,
        ids=_strings(doc["ids"]),
        fingerprints=_strings(doc["fingerprints"]),
        expected_absent=tuple(_strings(entry) for entry in doc["expected_absent"]),
        targets=tuple(str(t) for t in doc.get("targets", ())),
        options=_options(doc),
        reads=_reads(doc.get("reads") or {}),
        signed=signed,
    )


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


def _options(doc: Mapping[str, Any]) -> PlanOptions:
    """The recorded flags and targets."""
    recorded = doc["options"]
    if not isinstance(recorded, Mapping):
        raise TypeError("options must be an object")
    flags = {name: bool(recorded.get(name, False)) for name in _FLAGS}
    rotation = recorded.get("rotate_secrets", False)
    rotate = frozenset(str(n) for n in rotation) if isinstance(rotation, list) else bool(rotation)
    return PlanOptions(
        targets=tuple(str(t) for t in doc.get("targets", ())),
        rotate_secrets=rotate,
        prune=flags["prune"],
        allow_mass_delete=flags["allow_mass_delete"],
        allow_nonempty_folder_delete=flags["allow_nonempty_folder_delete"],
        allow_duplicate=flags["allow_duplicate"],
    )


def _reads(value: Any) -> LiveQuery:
    if not isinstance(value, Mapping):
        raise TypeError("reads must be an object")
    return LiveQuery(
        credentials_for=frozenset(str(i) for i in value.get("credentials_for", ())),
        slots_for=frozenset(str(i) for i in value.get("slots_for", ())),
    )


def _change(item: Mapping[str, Any], steps: Mapping[str, list[Step]]) -> Change:
    kind, name = str(item["kind"]), str(item["name"])
    return Change(
        kind=kind,
        name=name,
        action=Action(item["action"]),
        fields=tuple(
            FieldChange(str(f["path"]), f.get("before"), f.get("after")) for f in item["fields"]
        ),
        requests=tuple(ApiCall(str(r["method"]), str(r["path"])) for r in item["requests"]),
        depends_on=tuple(str(d) for d in item.get("depends_on", ())),
        notes=tuple(str(n) for n in item.get("notes", ())),
        live_id=None if item.get("live_id") is None else str(item["live_id"]),
        steps=tuple(steps.get(f"{kind}/{name}", ())),
    )


def check_fresh(planfile: PlanFile, live: LiveState) -> list[str]:
    """Every object that moved since the plan was made, as ``"<address>: <what>"``.

    Empty when the plan may be applied: every fingerprinted object still exists with the same
    fingerprint, and nothing the plan expects to be absent exists.
    """
    names: dict[str, str] = {}
    for address, live_id in planfile.ids.items():
        if not address.endswith("@build"):
            names.setdefault(live_id, address)
    moved: list[str] = []
    for key, expected in planfile.fingerprints.items():
        kind, _, live_id = key.partition("/")
        address = names.get(live_id, key)
        now = fingerprint(kind, live_id, live)
        if now is None:
            moved.append(f"{address}: deleted since the plan")
        elif now != expected:
            moved.append(f"{address}: changed since the plan")
    out = sorted(moved)
    for entry in planfile.expected_absent:
        owner = home(entry.get("kind", ""))
        identity = entry.get("path", entry.get("name", ""))
        if owner is not None and owner.live_ids(live, identity):
            out.append(f"{owner.kind}/{identity}: now exists")
    return out
