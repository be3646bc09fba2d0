"""The ``Folder`` kind: a folder of assignments, nested by ``spec.parent``.

A folder's identity is its path of names from the root (``Finance/Accounts Payable``), so two
folders may share a name under different parents. ``spec.parent`` names the parent folder:
either by its name, when exactly one folder has that name, or by its full path from the root
with ``/`` between the names (``Finance/Accounts Payable``). Folder names therefore cannot
contain ``/``. A root folder has no ``parent`` (``spec: {}`` or no ``spec`` at all).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from duvoform.kinds.base import (
    Ensure,
    ManifestModel,
    Metadata,
    Reference,
    Resource,
    check_name,
    unique_items,
)
from duvoform.kinds.registry import register

__all__ = ["Folder", "FolderMetadata", "FolderRef", "FolderSpec"]

PATH_SEPARATOR = "/"
MAX_FOLDER_NAME = 100  # the API's documented limit for folder names


def _check_folder_name(value: str) -> str:
    if PATH_SEPARATOR in value:
        raise PydanticCustomError(
            "folder_name_slash",
            "a folder name cannot contain '/' (it separates the names in a folder path)",
        )
    return value


FolderName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_FOLDER_NAME),
    AfterValidator(check_name),
    AfterValidator(_check_folder_name),
]


def _check_folder_ref(value: str) -> str:
    parts = value.split(PATH_SEPARATOR)
    if any(part != part.strip() or not part for part in parts):
        raise PydanticCustomError(
            "folder_ref",
            "a folder reference is a name or a path of names like 'Finance/Accounts Payable' "
            "(no empty parts, no spaces around '/')",
        )
    return value


FolderRef = Annotated[str, StringConstraints(min_length=1), AfterValidator(_check_folder_ref)]
"""A folder's name, or its path from the root (``Finance/Accounts Payable``)."""


class FolderMetadata(Metadata):
    """Folder metadata: names are at most 100 characters and cannot contain ``/``."""

    name: FolderName
    previous_names: Annotated[tuple[FolderName, ...], AfterValidator(unique_items)] = ()


class FolderSpec(ManifestModel):
    """``parent``: the parent folder (omit for a root folder); ``ensure``: present or absent."""

    parent: FolderRef | None = None
    """The parent folder: its name, or its path from the root. Omit for a root folder."""
    ensure: Ensure = "present"
    """absent deletes the live folder."""


@register
class Folder(Resource):
    """A folder of assignments. Identity: the path of names from the root."""

    KIND: ClassVar[str] = "Folder"
    IDENTITY: ClassVar[Literal["name", "path"]] = "path"

    kind: Literal["Folder"]
    metadata: FolderMetadata
    spec: FolderSpec = Field(default_factory=FolderSpec)

    @property
    def ensure(self) -> Ensure:
        return self.spec.ensure

    def references(self) -> tuple[Reference, ...]:
        if self.spec.parent is None:
            return ()
        return (Reference("Folder", self.spec.parent, ("spec", "parent"), "parent"),)
