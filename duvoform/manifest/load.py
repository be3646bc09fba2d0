"""``load_manifests``: paths in, typed and validated resources out, every problem at once.

::

    paths ─find_root─▶ root + duvoform.yaml ─load_project─▶ settings, vars
    paths ─discover─▶ files ─read, decode─▶ text ─parse (C loader)─▶ documents
    documents ─kind─▶ ─render templates─▶ ─apply defaults─▶ ─pydantic─▶ Resources
    Resources ─read sop_file, check secret file paths─▶ ─policies─▶ Manifests (+ digest, warnings)

Problems never stop the pipeline early: each stage skips only what it cannot use and keeps
going, and ``ManifestError`` reports everything found, sorted by file and line. Positions
below the document level come from ``SourceMap`` (the slow path), only for files that have a
problem or a warning.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from duvoform.errors import Location, Problem, ProblemCollector
from duvoform.gcpause import paused_gc
from duvoform.kinds import Assignment, Connection, CustomMcpConnectionSpec, Resource, kinds
from duvoform.kinds.base import FieldPath, format_field
from duvoform.kinds.reserved import env_allowed
from duvoform.manifest.discover import describe_paths, discover_files, display_path, find_root
from duvoform.manifest.files import FileFault, read_utf8, resolve_inside
from duvoform.manifest.lints import resource_warnings, unused_cli_vars
from duvoform.manifest.locate import SourceMap
from duvoform.manifest.parse import Document, decode, parse_documents
from duvoform.manifest.problems import describe, validation_problems
from duvoform.manifest.project import ProjectSettings, load_project
from duvoform.manifest.template import TemplateRenderer
from duvoform.policies import check_manifests
from duvoform.text import did_you_mean, quote

__all__ = ["Manifests", "load_manifests", "manifest_digest"]

_Locate = Callable[..., Location]


@dataclass(frozen=True)
class Manifests:
    """Validated manifests: the project settings, the resources, and how to point into them.

    ``resources`` are in file order (the order ``discover_files`` gives, then document
    order). ``digest`` is a sha256 over the canonical JSON of every rendered resource with its
    SOP text, independent of file layout and order; it holds secret references, never values.
    It is computed when first asked for (only plan files need it).
    """

    project: ProjectSettings
    resources: tuple[Resource, ...]
    files: tuple[Path, ...]
    warnings: tuple[Problem, ...] = ()
    paths: tuple[Path, ...] = ()
    """The paths loaded, absolute, as given (a saved plan loads them again)."""
    sources: SourceMap = field(default_factory=SourceMap, repr=False, compare=False)

    @cached_property
    def digest(self) -> str:
        """``manifest_digest`` of the resources."""
        return manifest_digest(self.resources)

    def of_kind(self, kind: str) -> tuple[Resource, ...]:
        """The resources of one kind, in file order."""
        return tuple(r for r in self.resources if r.kind == kind)

    def locate(self, resource: Resource, path: FieldPath, *, key: bool = False) -> Location:
        """The ``file:line:col`` of a field of ``resource`` (its document start if unknown)."""
        if resource.source is None:
            return resource.location
        return self.sources.locate(resource.source, resource.document, path, key=key)


def load_manifests(
    paths: Sequence[Path],
    *,
    vars: Mapping[str, str] | None = None,
    var_files: Sequence[Path] = (),
    env: str | None = None,
) -> Manifests:
    """Load, template and validate every manifest under ``paths`` (default: ``.``).

    ``vars`` are ``--var KEY=VALUE`` values, ``var_files`` the ``--var-file`` paths, ``env``
    the ``--env`` name. Raises ``ProjectError`` when ``duvoform.yaml``, a var file or the
    environment is wrong, and ``ManifestError`` with every problem in the manifests.
    """
    paths = list(paths) or [Path(".")]
    root, project_file = find_root(paths)
    project = load_project(root, project_file, env=env, cli_vars=vars, var_files=var_files)
    files, path_problems = discover_files(
        paths, root=root, exclude=[*project.settings_files, *(p.absolute() for p in var_files)]
    )
    loader = _Loader(project)
    loader.problems.problems.extend(path_problems)
    with paused_gc():
        for path in files:
            loader.load_file(path)
    if not loader.resources and not loader.problems:
        loader.problems.add(
            None, f"no manifests found in {describe_paths(paths)} (looked for *.yaml, *.yml)"
        )
    policies = check_manifests(project, loader.resources)
    loader.problems.problems.extend(policies.errors)
    loader.warnings.extend(policies.warnings)
    loader.problems.raise_manifest_error()
    loader.warnings.extend(unused_cli_vars(vars or {}, loader.renderer.variables_read))
    resources = tuple(loader.resources)
    return Manifests(
        project=project,
        resources=resources,
        files=tuple(files),
        warnings=tuple(loader.warnings),
        paths=tuple(path.absolute() for path in paths),
        sources=loader.sources,
    )


def manifest_digest(resources: Sequence[Resource]) -> str:
    """sha256 of the sorted canonical JSON of ``resources`` (SOP texts included; secret
    references, never their values)."""
    entries = sorted(_canonical(resource) for resource in resources)
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(entry.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _canonical(resource: Resource) -> str:
    # pydantic's own JSON (field order, one line) is several times faster than dumping a
    # dict with sorted keys, and as stable: the digest is compared only with one made by the
    # same duvoform from the same files.
    text = resource.model_dump_json(by_alias=True)
    if isinstance(resource, Assignment):
        text += "\t" + json.dumps(resource.spec.build.sop_text, ensure_ascii=False)
    return text


class _Loader:
    """The mutable state of one ``load_manifests`` run."""

    def __init__(self, project: ProjectSettings) -> None:
        self.project = project
        self.sources = SourceMap()
        self.problems = ProblemCollector()
        self.warnings: list[Problem] = []
        self.resources: list[Resource] = []
        self.renderer = TemplateRenderer(project.vars, project.environment, project.environments)
        self.browsing = (
            project.defaults.browsing.model_dump() if project.defaults.browsing else None
        )
        self.sop_cache: dict[tuple[Path, str], str | FileFault] = {}
        self.kinds = dict(kinds())

    def load_file(self, path: Path) -> None:
        shown = display_path(path)
        self.sources.register(path, shown)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.problems.add(Location(shown), f"cannot read the file: {exc.strerror}")
            return
        text = decode(raw, shown)
        if isinstance(text, Problem):
            self.problems.problems.append(text)
            return
        parsed = parse_documents(text, shown)
        self.problems.problems.extend(parsed.problems)
        for document in parsed.documents:
            self.load_document(path, shown, document)

    def load_document(self, path: Path, shown: str, document: Document) -> None:
        data = document.data
        start = Location(shown, document.line, document.col)

        def locate(field_path: FieldPath, key: bool = False) -> Location:
            return self.sources.locate(path, document.index, field_path, key=key)

        cls = self._kind_of(data, start, locate)
        if cls is None:
            return
        faults = self.renderer.render_in_place(data)
        if faults:
            address = _address(cls.KIND, data)
            for fault in faults:
                self.problems.add(
                    locate(fault.path), _field_reason(fault.path, fault.reason), address
                )
            return
        if cls is Assignment:
            self._default_browsing(data)
        try:
            resource = cls.model_validate(data)
        except ValidationError as exc:
            self.problems.problems.extend(
                validation_problems(
                    exc.errors(include_url=False),
                    model=cls,
                    data=data,
                    locate=locate,
                    address=_address(cls.KIND, data),
                )
            )
            return
        resource.with_source(start, path, document.index)
        if self._check_files(resource, path, locate):
            self.resources.append(resource)
            self.warnings.extend(resource_warnings(resource, locate))

    def _kind_of(self, data: Any, start: Location, locate: _Locate) -> type[Resource] | None:
        known = sorted(self.kinds)
        if not isinstance(data, dict):
            self.problems.add(
                start,
                "a manifest document must be a mapping with apiVersion, kind, metadata and "
                f"spec; got {describe(data)}",
            )
            return None
        kind = data.get("kind")
        if "kind" not in data:
            self.problems.add(start, f"kind: field required (one of: {', '.join(known)})")
            return None
        cls = self.kinds.get(kind) if isinstance(kind, str) else None
        if cls is None:
            hint = did_you_mean(kind, known) if isinstance(kind, str) else ""
            shown = quote(kind) if isinstance(kind, str) else describe(kind)
            self.problems.add(
                locate(("kind",)),
                f"kind: unknown kind {shown}{hint} (known kinds: {', '.join(known)})",
            )
        return cls

    def _default_browsing(self, data: dict[str, Any]) -> None:
        spec = data.get("spec")
        build = spec.get("build") if isinstance(spec, dict) else None
        if self.browsing is not None and isinstance(build, dict) and "browsing" not in build:
            build["browsing"] = dict(self.browsing)

    def _check_files(self, resource: Resource, path: Path, locate: _Locate) -> bool:
        """Read the SOP file and check secret file paths; False when one is unusable."""
        ok = True
        if isinstance(resource, Assignment) and resource.spec.build.sop_file is not None:
            where: FieldPath = ("spec", "build", "sop_file")
            text = self._read_sop(path, resource.spec.build.sop_file)
            if isinstance(text, FileFault):
                self.problems.add(locate(where), _field_reason(where, text.reason), resource.label)
                ok = False
            else:
                resource.spec.build.with_sop_text(text)
        if isinstance(resource, Connection) and isinstance(resource.spec, CustomMcpConnectionSpec):
            for header, ref in resource.spec.headers.secret.items():
                if ref.env is not None and not env_allowed(ref.env, self.project.secrets.env_allow):
                    where = ("spec", "headers", "secret", header, "env")
                    reason = f"{ref.env} is not in duvoform.yaml's secrets.env_allow"
                    self.problems.add(locate(where), _field_reason(where, reason), resource.label)
                    ok = False
                if ref.file is None:
                    continue
                where = ("spec", "headers", "secret", header, "file")
                try:
                    resolve_inside(self.project.root, path.parent, ref.file)
                except FileFault as fault:
                    self.problems.add(
                        locate(where), _field_reason(where, fault.reason), resource.label
                    )
                    ok = False
        return ok

    def _read_sop(self, manifest: Path, relative: str) -> str | FileFault:
        key = (manifest.parent, relative)
        cached = self.sop_cache.get(key)
        if cached is None:
            try:
                target = resolve_inside(self.project.root, manifest.parent, relative)
                cached = read_utf8(target, relative)
                if not cached.strip():
                    cached = FileFault(f"SOP file {quote(relative)} is empty")
            except FileFault as fault:
                cached = fault
            self.sop_cache[key] = cached
        return cached


def _address(kind: str, data: dict[str, Any]) -> str:
    metadata = data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return f"{kind} {quote(name)}" if isinstance(name, str) else kind


def _field_reason(path: FieldPath, reason: str) -> str:
    return f"{format_field(path)}: {reason}" if path else reason
