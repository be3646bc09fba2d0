"""``duvoform.yaml``: variables, environments, defaults, prune scope and safety thresholds.

::

    apiVersion: duvoform/v1                # optional
    vars: {region: eu}                     # template variables: {{ vars.region }}
    environments:                          # selected with --env NAME
      staging: {var_files: [environments/staging.yaml], vars: {}}
    defaults:
      browsing: {provider: anthropic, model: claude-sonnet-4-5}
    prune:
      kinds: [Folder, Connection]          # what --prune may delete (default: nothing)
    safety:                                # refuse plans deleting more than
      max_delete_fraction: 0.3             #   max(min_delete_count, fraction x live objects)
      min_delete_count: 10                 #   of one kind, unless --allow-mass-delete
      kinds: {Connection: {max_delete_fraction: 0.5}}   # per-kind overrides (optional)
    policies:                              # CEL rules over manifests and plans
      - {name: approved-models, rule: "object.spec.build.model == 'claude-sonnet-4-6'"}
    secrets: {env_allow: ["SNOWFLAKE_*"]}  # see duvoform.manifest.trust
    probe: {allowed_hosts: [mcp.example.com]}

Variables merge in this order, later winning, mappings merged key by key: ``vars``, the
selected environment's ``var_files`` (in order), its ``vars``, each ``--var-file`` (in order),
each ``--var KEY=VALUE``. Environment var files are relative to the root and must stay inside
it; ``--var-file`` paths are relative to the working directory. ``policies`` are described
in ``duvoform.policies``.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from duvoform.errors import Location, Problem, ProjectError
from duvoform.kinds.assignment.model import Browsing
from duvoform.kinds.base import ManifestModel
from duvoform.kinds.secret import RelativePath
from duvoform.manifest.discover import display_path
from duvoform.manifest.files import FileFault, resolve_inside
from duvoform.manifest.locate import SourceMap
from duvoform.manifest.parse import decode, parse_documents
from duvoform.manifest.problems import describe, validation_problems
from duvoform.manifest.trust import ProbePolicy, SecretsPolicy
from duvoform.policies.model import Policy, unique_policy_names
from duvoform.text import did_you_mean, quote

__all__ = [
    "Defaults",
    "EnvironmentSpec",
    "KindThreshold",
    "ProjectFile",
    "ProjectSettings",
    "PruneScope",
    "Safety",
    "load_project",
]

PrunableKind = Literal["Folder", "Connection"]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


class Defaults(ManifestModel):
    """Values manifests inherit when they leave them out."""

    browsing: Browsing | None = None


class EnvironmentSpec(ManifestModel):
    """One environment: var files (relative to the root) and inline vars, in that order."""

    var_files: tuple[RelativePath, ...] = ()
    vars: dict[str, Any] = Field(default_factory=dict)


class PruneScope(ManifestModel):
    """The kinds ``--prune`` may delete when no manifest declares them (default: none)."""

    kinds: tuple[PrunableKind, ...] = ()

    @field_validator("kinds", mode="before")
    @classmethod
    def _no_assignments(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and "Assignment" in value:
            raise PydanticCustomError(
                "prune_assignment",
                "the Assignment kind cannot be pruned: the Duvo v1 API cannot delete assignments "
                "(undeclared ones are reported as unmanaged)",
            )
        return value


class KindThreshold(ManifestModel):
    """A per-kind override of the global safety thresholds (unset fields inherit)."""

    max_delete_fraction: Annotated[float, Field(ge=0, le=1)] | None = None
    min_delete_count: Annotated[int, Field(ge=0)] | None = None


class Safety(ManifestModel):
    """Mass-delete thresholds: a plan may delete at most ``max_deletes(kind, live)`` objects."""

    max_delete_fraction: StrictFloat = Field(default=0.3, ge=0, le=1)
    min_delete_count: StrictInt = Field(default=10, ge=0)
    kinds: dict[PrunableKind, KindThreshold] = Field(default_factory=dict)

    def max_deletes(self, kind: str, live_count: int) -> int:
        """How many live objects of ``kind`` one plan may delete without --allow-mass-delete.

        ``max(min_delete_count, floor(max_delete_fraction * live_count))``, with the kind's
        overrides applied.
        """
        override = self.kinds.get(kind)  # type: ignore[call-overload]
        fraction = self.max_delete_fraction
        minimum = self.min_delete_count
        if override is not None:
            if override.max_delete_fraction is not None:
                fraction = override.max_delete_fraction
            if override.min_delete_count is not None:
                minimum = override.min_delete_count
        return max(minimum, math.floor(fraction * live_count))


class ProjectFile(ManifestModel):
    """The schema of ``duvoform.yaml``."""

    api_version: Literal["duvoform/v1"] | None = Field(default=None, alias="apiVersion")
    vars: dict[str, Any] = Field(default_factory=dict)
    environments: dict[EnvName, EnvironmentSpec] = Field(default_factory=dict)
    defaults: Defaults = Field(default_factory=Defaults)
    prune: PruneScope = Field(default_factory=PruneScope)
    safety: Safety = Field(default_factory=Safety)
    policies: Annotated[tuple[Policy, ...], AfterValidator(unique_policy_names)] = ()
    secrets: SecretsPolicy = Field(default_factory=SecretsPolicy)
    probe: ProbePolicy = Field(default_factory=ProbePolicy)


@dataclass(frozen=True)
class ProjectSettings:
    """Everything ``duvoform.yaml`` and the command line settle before manifests load."""

    root: Path
    file: Path | None = None
    environment: str | None = None
    environments: tuple[str, ...] = ()
    vars: Mapping[str, Any] = field(default_factory=dict)
    defaults: Defaults = field(default_factory=Defaults)
    prune: PruneScope = field(default_factory=PruneScope)
    safety: Safety = field(default_factory=Safety)
    policies: tuple[Policy, ...] = ()
    secrets: SecretsPolicy = field(default_factory=SecretsPolicy)
    probe: ProbePolicy = field(default_factory=ProbePolicy)
    settings_files: frozenset[Path] = frozenset()
    """Var files named by any environment: settings, never loaded as manifests."""


def load_project(
    root: Path,
    file: Path | None,
    *,
    env: str | None = None,
    cli_vars: Mapping[str, str] | None = None,
    var_files: Sequence[Path] = (),
) -> ProjectSettings:
    """Read ``duvoform.yaml`` (if any), select ``env`` and merge every variable source.

    Raises ``ProjectError`` listing every problem with its ``file:line:col``.
    """
    project = _read_project_file(file) if file is not None else ProjectFile()
    environments = tuple(sorted(project.environments))
    settings_files = frozenset(
        (root / name).absolute()
        for spec in project.environments.values()
        for name in spec.var_files
    )
    merged: dict[str, Any] = {}
    _merge(merged, project.vars)
    if env is not None:
        spec = project.environments.get(env)
        if spec is None:
            raise ProjectError(_unknown_environment(env, environments, file))
        for index, name in enumerate(spec.var_files):
            where = _var_file_location(file, root, env, index)
            try:
                path = resolve_inside(root, root, name)
            except FileFault as fault:
                raise ProjectError(
                    f"{where}: environments.{env}.var_files: {fault.reason}"
                ) from None
            try:
                _merge(merged, _read_var_file(path))
            except ProjectError as exc:
                raise ProjectError(
                    f"{where}: environments.{env}.var_files[{index}]: {exc}"
                ) from None
        _merge(merged, spec.vars)
    for path in var_files:
        _merge(merged, _read_var_file(path))
    _merge(merged, dict(cli_vars or {}))
    return ProjectSettings(
        root=root,
        file=file,
        environment=env,
        environments=environments,
        vars=merged,
        defaults=project.defaults,
        prune=project.prune,
        safety=project.safety,
        policies=project.policies,
        secrets=project.secrets,
        probe=project.probe,
        settings_files=settings_files,
    )


def _var_file_location(file: Path | None, root: Path, env: str, index: int) -> str:
    """``file:line:col`` of the ``index``-th var file of ``env`` in ``duvoform.yaml``."""
    if file is None:
        return display_path(root)
    sources = SourceMap()
    sources.register(file, display_path(file))
    return str(sources.locate(file, 0, ("environments", env, "var_files", index)))


def _unknown_environment(env: str, environments: Sequence[str], file: Path | None) -> str:
    if not environments:
        where = display_path(file) if file is not None else "no duvoform.yaml was found"
        return f"--env {quote(env)} was given, but no environments are defined ({where})"
    hint = did_you_mean(env, environments)
    return f"unknown environment {quote(env)} (defined: {', '.join(environments)}){hint}"


def _merge(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    for key, value in source.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            _merge(current, value)
        else:
            target[key] = _copy(value)


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _read_single_mapping(path: Path, *, what: str, allow_empty: bool) -> tuple[dict[str, Any], str]:
    shown = display_path(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            # /dev/zero never ends and a pipe may never be written: only plain files are read.
            raise ProjectError(f"{what} {quote(shown)} is not a regular file")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"{what} {quote(shown)} does not exist") from None
    except OSError as exc:
        raise ProjectError(f"cannot read {what} {quote(shown)}: {exc.strerror}") from None
    text = decode(raw, shown)
    if isinstance(text, Problem):
        raise ProjectError(text.render())
    parsed = parse_documents(text, shown, allow_empty=allow_empty)
    if parsed.problems:
        raise ProjectError("\n".join(p.render() for p in parsed.problems))
    if not parsed.documents:
        return {}, shown
    if len(parsed.documents) > 1:
        extra = parsed.documents[1]
        raise ProjectError(
            f"{Location(shown, extra.line, extra.col)}: {what} must hold one YAML document"
        )
    document = parsed.documents[0]
    if not isinstance(document.data, dict):
        raise ProjectError(
            f"{Location(shown, document.line, document.col)}: {what} must be a mapping, "
            f"got {describe(document.data)}"
        )
    bad_key = next((k for k in document.data if not isinstance(k, str)), None)
    if bad_key is not None:
        raise ProjectError(
            f"{Location(shown, document.line, document.col)}: {what} keys must be text, "
            f"got {describe(bad_key)}"
        )
    return document.data, shown


def _read_var_file(path: Path) -> dict[str, Any]:
    data, _ = _read_single_mapping(path, what="var file", allow_empty=True)
    return data


def _read_project_file(path: Path) -> ProjectFile:
    data, shown = _read_single_mapping(path, what="duvoform.yaml", allow_empty=True)
    try:
        return ProjectFile.model_validate(data)
    except ValidationError as exc:
        sources = SourceMap()
        sources.register(path, shown)
        problems = validation_problems(
            exc.errors(include_url=False),
            model=ProjectFile,
            data=data,
            locate=lambda field_path, key: sources.locate(path, 0, field_path, key=key),
            address=None,
        )
        problems.sort(key=lambda p: (p.location.line, p.location.col) if p.location else (0, 0))
        raise ProjectError("\n".join(p.render() for p in problems)) from None
