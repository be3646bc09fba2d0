"""Base classes and small types shared by every wire model.

Responses are read leniently: unknown fields are kept (``extra="allow"``), nullable fields are
``Optional`` with a ``None`` default, and a ``null`` list reads as an empty list. Request bodies
are strict (``extra="forbid"``) so that a typo in our own code fails before any request is sent.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

__all__ = ["NullableList", "RequestModel", "WireModel", "dump_body"]

T = TypeVar("T")


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


NullableList = Annotated[list[T], BeforeValidator(_none_as_empty)]
"""A list field the API may send as ``null`` (read as ``[]``)."""


class _Base(BaseModel):
    # A field whose default must still be sent (``exclude_unset`` would drop it), such as a
    # config's ``version``, is marked as set by its class's ``model_post_init``. Only those
    # classes define one: pydantic calls it for every instance of a class that has it, and
    # a live read makes hundreds of thousands of instances.
    pass


class WireModel(_Base):
    """A response object: unknown fields tolerated and kept, field names or aliases accepted."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class RequestModel(_Base):
    """A request body: unknown fields are a bug in the caller.

    Validation errors never quote the input (it may hold a secret header value).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True)


def dump_body(body: BaseModel) -> dict[str, Any]:
    """The JSON body for ``body``: API field names, only the fields the caller set.

    ``exclude_unset`` keeps PATCH semantics: an omitted field stays unchanged on the server,
    an explicit ``None`` is sent as ``null`` (which clears the documented nullable fields).
    """
    dumped: dict[str, Any] = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return dumped
