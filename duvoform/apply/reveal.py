"""Reading the secret values a plan's steps need, at the last moment.

A step holds a secret as a marker, ``{"$secret": {"env": NAME}}`` or ``{"$secret": {"file": PATH}}``
(see ``duvoform.engine.steps``). A file marker may also carry ``"source"``: the manifest file that
names it, relative to the manifest root; PATH is then relative to that file, as in the manifest.
Without ``source`` PATH is relative to the root.

``SecretReveal.check(steps)`` reads every secret once before anything is written, so that a
missing variable or file stops the run with nothing done; the values read are dropped at once.
Each request then reads its secret again (``SecretReveal.__call__``) and the value lives only in
the request body being sent.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import ValidationError

from duvoform.engine.steps import Step, secrets_in
from duvoform.errors import SecretError
from duvoform.kinds.secret import SecretRef
from duvoform.manifest.secret_values import resolve_secret

__all__ = ["SecretReveal", "describe_marker"]


def describe_marker(marker: Mapping[str, str]) -> str:
    """``env:NAME`` or ``file:PATH``: how messages name a secret (never its value)."""
    if "env" in marker:
        return f"env:{marker['env']}"
    return f"file:{marker.get('file')}"


class SecretReveal:
    """Turns secret markers into values, from the environment or files under ``root``."""

    def __init__(
        self,
        root: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.root = (root or Path(".")).absolute()
        self._environ = environ

    def __call__(self, marker: Mapping[str, str]) -> str:
        """The value of one secret marker (``SecretError`` naming it when it cannot be read)."""
        fields = {key: marker[key] for key in ("env", "file") if key in marker}
        try:
            ref = SecretRef.model_validate(fields)
        except ValidationError:
            raise SecretError(
                f"a step holds a malformed secret reference ({describe_marker(marker)}); "
                "it must be exactly one of {env: NAME} or {file: PATH}"
            ) from None
        source = marker.get("source")
        environ = os.environ if self._environ is None else self._environ
        return resolve_secret(
            ref,
            source=self.root / source if source else None,
            root=self.root,
            environ=environ,
        )

    def check(self, steps: Iterable[Step]) -> None:
        """Read every secret the steps need, keep none, and raise one ``SecretError`` naming
        each that cannot be read (and the step that needs it)."""
        problems: list[str] = []
        seen: set[tuple[tuple[str, str], ...]] = set()
        for step in steps:
            for marker in secrets_in(step.params):
                key = tuple(sorted(marker.items()))
                if key in seen:
                    continue
                seen.add(key)
                try:
                    self(marker)
                except SecretError as exc:
                    problems.append(f"{step.address}: {exc.message}")
        if problems:
            lines = "\n".join(f"  - {problem}" for problem in problems)
            raise SecretError(
                f"cannot read {len(problems)} secret{'s' if len(problems) != 1 else ''} the "
                f"plan needs, so nothing was applied:\n{lines}"
            )
