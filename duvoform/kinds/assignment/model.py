"""The ``Assignment`` kind: a Duvo assignment (agent) and the build it should run.

``spec.build`` describes the build that should be live: ``model``, ``browsing``, the SOP
(``sop`` inline or ``sop_file``, exactly one), ``skills``, ``files``, ``plugins``,
``sub_agents`` and ``handover_to`` (assignment names), ``connections`` (connection names),
free-form ``options`` (sent as ``config.data.options``) and the readable labels
``revision_name`` and ``revision_description``.

Choices made where the API is silent:

- The three delivery flags default to ``false`` when omitted: the API treats ``null`` as false,
  and a manifest that leaves a flag out means "off", as a Terraform user would expect.
- ``browsing`` defaults to ``duvoform.yaml``'s ``defaults.browsing``, else to
  ``{provider: anthropic, model: claude-sonnet-4-5}``.
- ``model`` accepts any non-empty string: the API's list of models grows, so unknown values are
  allowed (the loader only warns when a value is one typo away from a known model).
- The v1 API cannot delete assignments, so ``ensure: absent`` is an error that says so.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    Field,
    PrivateAttr,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from duvoform.kinds.base import ManifestModel, Name, Reference, Resource, private, unique_items
from duvoform.kinds.folder.model import FolderRef
from duvoform.kinds.registry import register
from duvoform.kinds.secret import RelativePath

__all__ = [
    "DEFAULT_BROWSING",
    "Assignment",
    "AssignmentSpec",
    "Browsing",
    "BuildSpec",
]

NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Items = Annotated[tuple[NonEmpty, ...], AfterValidator(unique_items)]
Names = Annotated[tuple[Name, ...], AfterValidator(unique_items)]


class Browsing(ManifestModel):
    """The browser / computer-use model (``config.data.models.browsing``)."""

    provider: Literal["google", "anthropic"]
    """Who runs the browsing model."""
    model: NonEmpty
    """The browsing model, e.g. claude-sonnet-4-5 or gemini-2.5-pro."""


DEFAULT_BROWSING = Browsing(provider="anthropic", model="claude-sonnet-4-5")
"""The browsing model used when neither the manifest nor ``duvoform.yaml`` sets one."""


class BuildSpec(ManifestModel):
    """The build an assignment should have live. Exactly one of ``sop`` and ``sop_file``.

    After loading, ``sop_text`` holds the SOP whichever way it was given, and ``sop_file``
    still names the file it came from.
    """

    model: NonEmpty
    """The agent model, e.g. claude-sonnet-4-6 (new models are allowed)."""
    browsing: Browsing = Field(default_factory=lambda: DEFAULT_BROWSING)
    """Browsing model; default: duvoform.yaml defaults.browsing, else claude-sonnet-4-5."""
    sop: NonEmpty | None = None
    """The SOP (instructions), inline. Exactly one of sop and sop_file."""
    sop_file: RelativePath | None = Field(default=None, validate_default=True)
    """A file holding the SOP, relative to this manifest and inside the manifest root."""
    skills: Items = ()
    """Skill ids (team or system skills)."""
    files: Items = ()
    """Team file ids."""
    plugins: Items = ()
    """Built-in plugin names or GitHub URLs."""
    sub_agents: Names = ()
    """Assignments this one may call as sub-agents (by name)."""
    handover_to: Names = ()
    """Assignments this one may hand work over to (by name)."""
    connections: Names = ()
    """Connections this build uses (by name)."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Runtime options, sent as config.data.options (e.g. browserProvider)."""
    revision_name: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None
    """A readable label for the build (1-80 characters)."""
    revision_description: Annotated[str, StringConstraints(max_length=500)] | None = None
    """A readable description of the build (up to 500 characters)."""

    _sop_text: str | None = PrivateAttr(default=None)

    @field_validator("sop_file")
    @classmethod
    def _one_sop(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A field validator (not a model validator) so that this is reported together with
        # every other problem in the build; ``sop`` is absent from info.data when it was
        # itself invalid, and that error is enough.
        if "sop" not in info.data:
            return value
        if info.data["sop"] is not None and value is not None:
            raise PydanticCustomError("sop_twice", "set either sop or sop_file, not both")
        if info.data["sop"] is None and value is None:
            raise PydanticCustomError(
                "sop_missing",
                "an SOP is required: set sop (inline text) or sop_file (a path)",
                {"at_parent": True},
            )
        return value

    @property
    def sop_text(self) -> str:
        """The SOP: the inline ``sop``, or the text the loader read from ``sop_file``."""
        text: str | None = private(self, "_sop_text")
        if text is not None:
            return text
        if self.sop is not None:
            return self.sop
        raise LookupError(f"the SOP file {self.sop_file!r} has not been read")

    def with_sop_text(self, text: str) -> None:
        """Record the text read from ``sop_file`` (the loader calls this)."""
        self._sop_text = text


_NO_DELETE = (
    "the Duvo v1 API cannot delete assignments, so 'ensure: absent' is not allowed on an "
    "Assignment; remove the manifest instead (duvoform then reports the live assignment as "
    "unmanaged) or keep it and move it to an archive folder"
)


class AssignmentSpec(ManifestModel):
    """Where the assignment lives, its delivery flags (omitted = false), and its build."""

    folder: FolderRef | None = None
    """The folder: its name, or its path (Finance/Accounts Payable). Omit for the root."""
    slack_enabled: StrictBool = False
    """Deliver via Slack (omitted = false)."""
    microsoft_teams_enabled: StrictBool = False
    """Deliver via Microsoft Teams (omitted = false)."""
    agentic_memory_enabled: StrictBool = False
    """Let the assignment keep agentic memory (omitted = false)."""
    build: BuildSpec
    """The build that should be live."""
    ensure: Literal["present"] = "present"
    """Always present: the v1 API cannot delete assignments."""

    @field_validator("ensure", mode="before")
    @classmethod
    def _cannot_delete(cls, value: Any) -> Any:
        if value == "absent":
            raise PydanticCustomError("assignment_absent", _NO_DELETE)
        return value


@register
class Assignment(Resource):
    """A Duvo assignment, identified by its display name."""

    KIND: ClassVar[str] = "Assignment"
    DELETABLE: ClassVar[bool] = False

    kind: Literal["Assignment"]
    spec: AssignmentSpec

    def references(self) -> tuple[Reference, ...]:
        refs: list[Reference] = []
        if self.spec.folder is not None:
            refs.append(Reference("Folder", self.spec.folder, ("spec", "folder"), "folder"))
        build = self.spec.build
        for field, kind, role in (
            ("sub_agents", "Assignment", "sub_agent"),
            ("handover_to", "Assignment", "handover"),
            ("connections", "Connection", "connection"),
        ):
            for index, name in enumerate(getattr(build, field)):
                refs.append(Reference(kind, name, ("spec", "build", field, index), role))
        return tuple(refs)
