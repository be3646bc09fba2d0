"""Warnings: things that are allowed but probably not meant.

- a ``model`` or browsing model that duvoform does not know but that is one typo away from one
  it does (unknown models are allowed: the API adds them over time);
- a plaintext header whose name suggests a credential (``Authorization``, ``X-Api-Key``, ...),
  which would be stored unencrypted and committed to git;
- an agent ``model`` that duvoform knows only as a browsing model;
- a ``--var KEY=VALUE`` whose KEY no template reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping

from duvoform.errors import Location, Problem
from duvoform.kinds import Assignment, Connection, CustomMcpConnectionSpec, Resource
from duvoform.kinds.assignment.known import AGENT_MODELS, BROWSING_MODELS
from duvoform.kinds.base import FieldPath, format_field
from duvoform.text import quote, suggest

__all__ = ["resource_warnings", "unused_cli_vars"]

_CREDENTIAL = re.compile(r"authorization|token|secret|password|api[-_]?key|cookie", re.IGNORECASE)


def resource_warnings(resource: Resource, locate: Callable[[FieldPath], Location]) -> list[Problem]:
    """Every warning for one validated resource, located."""
    found: list[tuple[FieldPath, str]] = []
    if isinstance(resource, Assignment):
        build = resource.spec.build
        for path, value, known in (
            (("spec", "build", "model"), build.model, AGENT_MODELS),
            (("spec", "build", "browsing", "model"), build.browsing.model, BROWSING_MODELS),
        ):
            if value in known:
                continue
            if known is AGENT_MODELS and value in BROWSING_MODELS:
                found.append(
                    (
                        path,
                        f"{quote(value)} is a browsing model, not an agent model duvoform "
                        "knows; did you mean to set it as spec.build.browsing.model?",
                    )
                )
                continue
            match = suggest(value, known, cutoff=0.85)
            if match is not None:
                found.append(
                    (
                        path,
                        f"{quote(value)} is not a model duvoform knows; did you mean "
                        f"{quote(match)}? (unknown models are allowed)",
                    )
                )
    if isinstance(resource, Connection) and isinstance(resource.spec, CustomMcpConnectionSpec):
        for header in resource.spec.headers.plaintext:
            if _CREDENTIAL.search(header):
                found.append(
                    (
                        ("spec", "headers", "plaintext", header),
                        f"header {quote(header)} is plaintext (stored unencrypted, and in git); "
                        "if it holds a credential, move it under headers.secret as "
                        "{env: NAME} or {file: PATH}",
                    )
                )
    return [
        Problem(locate(path), (f"{format_field(path)}: {reason}",), resource.label)
        for path, reason in found
    ]


def unused_cli_vars(cli_vars: Mapping[str, str], read: Collection[str]) -> list[Problem]:
    """A warning for each ``--var KEY=VALUE`` whose KEY no template reads (a typo, or a
    variable the manifests do not use)."""
    out: list[Problem] = []
    for key in sorted(cli_vars):
        if key in read:
            continue
        match = suggest(key, read)
        hint = f"; did you mean {quote(match)}?" if match is not None else ""
        out.append(Problem(None, (f"--var {quote(key)}: no template reads vars.{key}{hint}",)))
    return out
