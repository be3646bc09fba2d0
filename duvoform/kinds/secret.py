"""Secret references: how a manifest names a secret without containing it.

A secret is written as exactly one of ``{env: NAME}`` (an environment variable read at apply
time) or ``{file: PATH}`` (a file, relative to the manifest, inside the manifest root). The
model holds only the reference, never the value, so a secret cannot reach a plan, a log, a
repr or an error message through it. ``duvoform.manifest.secret_values.resolve_secret`` reads the
value, and only ``apply`` calls it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from duvoform.kinds.base import ManifestModel
from duvoform.kinds.reserved import hidden_part, reserved_env

__all__ = [
    "ENV_NAME_PATTERN",
    "EnvName",
    "RelativePath",
    "SecretRef",
    "check_env_name",
    "check_relative_path",
]

ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def check_relative_path(value: str) -> str:
    """Reject absolute paths: files are named relative to the manifest that uses them."""
    if value.startswith(("/", "\\", "~")) or _WINDOWS_DRIVE.match(value):
        raise PydanticCustomError(
            "absolute_path",
            "must be a path relative to the manifest file, not an absolute path",
        )
    if "\x00" in value:
        raise PydanticCustomError("path_nul", "must not contain a NUL character")
    hidden = hidden_part(value)
    if hidden is not None:
        raise PydanticCustomError(
            "hidden_path",
            "must not pass a hidden directory or file ({part}): duvoform never reads them",
            {"part": hidden},
        )
    return value


RelativePath = Annotated[str, StringConstraints(min_length=1), AfterValidator(check_relative_path)]
"""A file path relative to the manifest that names it; it must stay inside the manifest root."""

_LITERAL_SECRET = (
    "a literal secret value is not allowed: write a reference, {env: NAME} or {file: PATH}, "
    "so that the value never lands in git, a plan or a log"
)


def check_env_name(value: str) -> str:
    """Reject the names of the CI's own credentials (``DUVO_API_KEY``, ``GITHUB_TOKEN``...)."""
    pattern = reserved_env(value)
    if pattern is not None:
        raise PydanticCustomError(
            "reserved_env",
            "{name} is reserved ({pattern}): a manifest may not read duvoform's own key or "
            "the CI platform's variables; use a variable of its own",
            {"name": value, "pattern": pattern},
        )
    return value


EnvName = Annotated[
    str, StringConstraints(pattern=ENV_NAME_PATTERN), AfterValidator(check_env_name)
]
"""An environment variable a secret may be read from (not a reserved one)."""


class SecretRef(ManifestModel):
    """Exactly one of ``env`` (an environment variable name) or ``file`` (a relative path)."""

    env: EnvName | None = None
    file: RelativePath | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_literals(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError("secret_literal", _LITERAL_SECRET)
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRef:
        if (self.env is None) == (self.file is None):
            raise PydanticCustomError(
                "secret_ref", "a secret reference is exactly one of {env: NAME} or {file: PATH}"
            )
        return self

    def describe(self) -> str:
        """``env:NAME`` or ``file:PATH``: safe to show anywhere (it is not the value)."""
        return f"env:{self.env}" if self.env is not None else f"file:{self.file}"

    def to_json(self) -> dict[str, str]:
        """``{"env": NAME}`` or ``{"file": PATH}``: the form plans record."""
        return {"env": self.env} if self.env is not None else {"file": str(self.file)}
