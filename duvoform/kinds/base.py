"""What every manifest kind shares: the strict base model, ``metadata``, and references.

A manifest document is ``{apiVersion, kind, metadata, spec}``. Each kind is a ``Resource``
subclass (one module per kind) that declares its kind name, how it is identified, whether the
API can delete it, and the references it makes to other resources. ``graph.py`` resolves
those references; nothing here looks at other documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from duvoform.errors import Location
from duvoform.sanitise import printable
from duvoform.text import quote, shorten

__all__ = [
    "API_VERSION",
    "Ensure",
    "FieldPath",
    "ManifestModel",
    "Metadata",
    "Name",
    "Reference",
    "Resource",
    "check_name",
    "private",
    "unique_items",
]

API_VERSION = "duvoform/v1"
"""The only ``apiVersion`` this release reads."""

Ensure = Literal["present", "absent"]
FieldPath = tuple[str | int, ...]
_IN_MEMORY = Location("<memory>")


class ManifestModel(BaseModel):
    """Base of every manifest model: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, use_attribute_docstrings=True
    )


def check_name(value: str) -> str:
    """Reject names the API would store differently: surrounding spaces, control characters."""
    if value != value.strip():
        raise PydanticCustomError("name_whitespace", "must not start or end with whitespace")
    if not value.isprintable():
        raise PydanticCustomError("name_control", "must be one line without control characters")
    return value


Name = Annotated[str, StringConstraints(min_length=1), AfterValidator(check_name)]
"""A display name as the Duvo API stores it: one printable line, no surrounding spaces."""


def unique_items(values: tuple[str, ...]) -> tuple[str, ...]:
    """Reject a list that names the same thing twice (the API would see one entry)."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError(
                "duplicate_item", "lists {item} more than once", {"item": quote(value)}
            )
        seen.add(value)
    return values


class Metadata(ManifestModel):
    """Identity and bookkeeping shared by every kind.

    ``name`` is the identity (folders: together with the parent path). ``id`` pins the
    manifest to one live object; ``previous_names`` turns a would-be create into a rename;
    ``protected`` forbids duvoform to delete or rename the live object. ``labels`` and
    ``annotations`` are for people and tooling around duvoform: they are never sent to the API.
    """

    name: Name
    """The identity: the display name in Duvo."""
    id: UUID | None = None
    """Pin this manifest to one live object by its id."""
    previous_names: Annotated[tuple[Name, ...], AfterValidator(unique_items)] = ()
    """Former names: a live object with one of them is renamed, not recreated."""
    protected: StrictBool = False
    """Never delete or rename the live object."""
    labels: dict[str, str] = Field(default_factory=dict)
    """Free-form labels for people and tools; never sent to Duvo."""
    annotations: dict[str, str] = Field(default_factory=dict)
    """Free-form notes for people and tools; never sent to Duvo."""


@dataclass(frozen=True)
class Reference:
    """One reference a resource makes to another, by name, with the field that makes it.

    ``name`` is the text as written (for folders, a name or a ``Parent/Child`` path);
    ``field`` is the path of the value inside the document, for error locations.
    """

    kind: str
    name: str
    field: FieldPath
    role: str

    @property
    def field_label(self) -> str:
        """``spec.build.sub_agents[1]``: the field as messages show it."""
        return format_field(self.field)


def private(model: BaseModel, name: str) -> Any:
    """The value of ``model``'s private attribute ``name``, read from pydantic's store.

    ``model._name`` gives the same value, but only after a failed ordinary lookup and
    ``BaseModel.__getattr__``, which raises and catches inside: about 10 µs a read, and a
    large plan reads these attributes tens of thousands of times.
    """
    return (model.__pydantic_private__ or {})[name]


def format_field(path: FieldPath) -> str:
    """Render a field path the way messages show it: ``spec.build.sub_agents[1]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            shown = printable(part)  # a key is manifest text
            out += f".{shown}" if out else shown
    return out


class Resource(ManifestModel):
    """One manifest document of a registered kind.

    Subclasses set ``KIND`` (the ``kind:`` value), ``IDENTITY`` (``"name"``, or ``"path"``
    for folders, whose identity is the path of names from the root), ``DELETABLE`` (whether
    the API can delete it, so whether ``ensure: absent`` is allowed) and override
    ``references``. The loader sets the source position after validation.
    """

    KIND: ClassVar[str]
    IDENTITY: ClassVar[Literal["name", "path"]] = "name"
    DELETABLE: ClassVar[bool] = True

    api_version: Literal["duvoform/v1"] = Field(alias="apiVersion")
    kind: str
    metadata: Metadata

    # Defaults are immutable scalars: pydantic copies private defaults for every instance.
    _location: Location | None = PrivateAttr(default=None)
    _source: Path | None = PrivateAttr(default=None)
    _document: int = PrivateAttr(default=0)

    @property
    def name(self) -> str:
        """``metadata.name``."""
        return self.metadata.name

    @property
    def location(self) -> Location:
        """Where the document starts (``file:line:col``); ``<memory>`` if not from a file."""
        location: Location | None = private(self, "_location")
        return location or _IN_MEMORY

    @property
    def source(self) -> Path | None:
        """The manifest file this resource came from (None when built in memory)."""
        source: Path | None = private(self, "_source")
        return source

    @property
    def document(self) -> int:
        """The index of this document within its file (0-based)."""
        document: int = private(self, "_document")
        return document

    @property
    def ensure(self) -> Ensure:
        """``present`` unless the spec says ``ensure: absent``."""
        return "present"

    @property
    def label(self) -> str:
        """``Kind "name"``: how messages name this resource (long names are shortened)."""
        return f"{self.KIND} {quote(self.name)}"

    def references(self) -> tuple[Reference, ...]:
        """Every reference this resource makes to other resources, in document order."""
        return ()

    def with_source(self, location: Location, source: Path | None, document: int) -> None:
        """Record where this resource was read from (the loader calls this once)."""
        self._location = location
        self._source = source
        self._document = document

    def __repr_args__(self):  # type: ignore[no-untyped-def]
        # Keep reprs short and free of long text (SOPs): kind and name say enough.
        yield "kind", self.KIND
        yield "name", shorten(self.name)
