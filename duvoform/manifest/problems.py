"""Pydantic validation errors as located, readable ``Problem``s.

Each pydantic error has a ``loc`` through the model (which includes union tags that are not
keys of the document); ``data_path`` maps it onto the document so that ``SourceMap`` can find
the line. Messages are rewritten for people who write YAML: "field required", "unknown field;
did you mean ...", "expected text, got a boolean (quote it ...)". No message echoes an input
value back, so a secret or a 5 MB string never reaches the terminal through here.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from duvoform.errors import Location, Problem
from duvoform.kinds.base import FieldPath, format_field
from duvoform.text import did_you_mean, quote

__all__ = ["Locate", "data_path", "describe", "validation_problems"]

Locate = Callable[[FieldPath, bool], Location]
"""``(field path, point at the key?) -> Location`` for one document."""

_PATTERNS = {
    r"^[A-Za-z_][A-Za-z0-9_]*$": "must be an environment variable name (letters, digits, _)",
    r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$": "must be a valid HTTP header name",
    r"^[a-z0-9][a-z0-9_.-]*$": "must be a lower-case slug such as 'gmail' or 'google-sheets'",
}


def describe(value: Any) -> str:
    """What kind of YAML value ``value`` is, for messages (never the value itself)."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def validation_problems(
    errors: Sequence[ErrorDetails],
    *,
    model: Any,
    data: Any,
    locate: Locate,
    address: str | None,
    prefix: FieldPath = (),
) -> list[Problem]:
    """One ``Problem`` per pydantic error, each at the position of the field it is about.

    ``model`` is the type that validated ``data``; ``prefix`` is prepended to every field
    path (when ``data`` is part of a larger document).
    """
    problems: list[Problem] = []
    seen: set[tuple[FieldPath, str]] = set()
    for error in errors:
        path, key, reason = _explain(error, model, data)
        full = prefix + path
        if (full, reason) in seen:
            continue
        seen.add((full, reason))
        text = f"{format_field(full)}: {reason}" if full else reason
        problems.append(Problem(locate(full, key), (text,), address))
    return problems


def data_path(data: Any, loc: Sequence[str | int]) -> tuple[FieldPath, bool]:
    """The document path a pydantic ``loc`` points at, and whether it exists in ``data``.

    Union tags and other model-only steps are skipped; a final step that is not in the data
    is kept (it names a missing field).
    """
    path: list[str | int] = []
    current = data
    last = len(loc) - 1
    for index, part in enumerate(loc):
        if part == "[key]":
            continue
        if _has(current, part):
            path.append(part)
            current = current[part]
        elif index == last and not (isinstance(part, str) and part.startswith("<")):
            path.append(part)
            return tuple(path), False
    return tuple(path), True


def _has(value: Any, part: str | int) -> bool:
    if isinstance(value, dict):
        return part in value
    return isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)


def _explain(error: ErrorDetails, model: Any, data: Any) -> tuple[FieldPath, bool, str]:
    error_type = error["type"]
    loc = tuple(error["loc"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    path, _ = data_path(data, loc)
    if error_type == "missing":
        return path, False, "field required"
    if error_type == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1]) or ()
        name = str(loc[-1])
        hint = did_you_mean(name, allowed)
        if not hint and allowed:
            hint = f" (expected one of: {', '.join(sorted(allowed))})"
        return path, True, f"unknown field{hint}"
    if error_type in ("union_tag_invalid", "union_tag_not_found"):
        field = str(ctx.get("discriminator", "")).strip("'")
        tags = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        if error_type == "union_tag_not_found":
            tags = _literal_options(model, (*loc, field)) or tags
            options = f" ({_one_of(tags)})" if tags else ""
            if isinstance(value, dict):
                return (*path, field), False, f"field required{options}"
            return path, False, f"expected a mapping, got {describe(value)}"
        hint = did_you_mean(str(ctx.get("tag", "")), tags)
        return (*path, field), False, f"must be {_one_of(tags)}{hint}"
    if ctx.get("at_parent") and path:
        # A rule about the mapping as a whole (e.g. "an SOP is required"), not one field.
        return path[:-1], True, _message(error_type, error["msg"], ctx, value)
    return path, "[key]" in loc, _message(error_type, error["msg"], ctx, value)


def _message(error_type: str, msg: str, ctx: dict[str, Any], value: Any) -> str:
    if error_type == "string_type":
        quote_hint = (
            " (quote it to keep it as text)" if isinstance(value, bool | int | float) else ""
        )
        return f"expected text, got {describe(value)}{quote_hint}"
    if error_type in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {describe(value)}"
    if error_type in ("int_type", "int_parsing", "float_type", "float_parsing", "int_from_float"):
        return f"expected a number, got {describe(value)}"
    if error_type in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return f"expected a mapping, got {describe(value)}"
    if error_type in ("list_type", "tuple_type", "iterable_type"):
        return f"expected a list, got {describe(value)}"
    if error_type == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(value, options) if isinstance(value, str) and len(options) > 1 else ""
        return f"must be {_one_of(options)}{hint}"
    if error_type == "string_too_short":
        minimum = int(ctx.get("min_length", 1))
        return "must not be empty" if minimum == 1 else f"must be at least {minimum} characters"
    if error_type in ("too_short", "too_long") and isinstance(value, str):
        error_type = f"string_{error_type}"
    if error_type == "string_too_long":
        got = f" (got {len(value)})" if isinstance(value, str) else ""
        return f"must be at most {ctx.get('max_length')} characters{got}"
    if error_type == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), "has an invalid format")
    if error_type in ("uuid_parsing", "uuid_type", "uuid_version"):
        return "must be a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a"
    if error_type.startswith(("greater_than", "less_than")):
        return msg.replace("Input should be", "must be")
    return msg.removeprefix("Value error, ")


def _one_of(options: Sequence[str]) -> str:
    quoted = [quote(option) for option in options]
    if len(quoted) <= 2:
        return " or ".join(quoted)
    return f"one of {', '.join(quoted[:-1])} or {quoted[-1]}"


def _fields_at(model: Any, loc: Sequence[str | int]) -> tuple[str, ...] | None:
    """The field names the model accepts at ``loc`` (for "did you mean"), if it is a model."""
    target = _type_at(model, loc)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return tuple(f.alias or name for name, f in target.model_fields.items())
    return None


def _literal_options(model: Any, loc: Sequence[str | int]) -> list[str]:
    """Every tag a field-discriminated union at ``loc[:-1]`` accepts for field ``loc[-1]``."""
    union = _strip(_type_at(model, loc[:-1], keep_unions=True))
    options: list[str] = []
    for member in _members(union):
        member = _strip(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            field = member.model_fields.get(str(loc[-1]))
            if field is not None and get_origin(field.annotation) is Literal:
                options.extend(str(arg) for arg in get_args(field.annotation))
    return options


def _strip(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def _members(tp: Any) -> tuple[Any, ...]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        return tuple(arg for arg in get_args(tp) if arg is not type(None))
    return (tp,)


def _type_at(model: Any, loc: Sequence[str | int], *, keep_unions: bool = False) -> Any:
    tp: Any = model
    for part in loc:
        tp = _step(tp, part)
        if tp is None:
            return None
    if keep_unions:
        return tp
    members = _members(_strip(tp))
    return _strip(members[0]) if len(members) == 1 else None


def _step(tp: Any, part: str | int) -> Any:
    tp = _strip(tp)
    members = _members(tp)
    if len(members) > 1:
        chosen = _pick_member(members, part)
        if chosen is None:
            return None
        if isinstance(part, str) and part.startswith("<"):
            return chosen  # the tag itself was this step
        tp = _strip(chosen)
        if _is_tag_of(chosen, part):
            return chosen
    else:
        tp = _strip(members[0])
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, field in tp.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    origin = get_origin(tp)
    if origin in (list, tuple) and isinstance(part, int):
        return get_args(tp)[0]
    if origin is dict:
        return get_args(tp)[1]
    return None


def _pick_member(members: tuple[Any, ...], part: str | int) -> Any:
    for member in members:
        if _is_tag_of(member, part):
            return member
    models = [
        m for m in members if isinstance(_strip(m), type) and issubclass(_strip(m), BaseModel)
    ]
    for member in models:
        if any(part in (name, f.alias) for name, f in _strip(member).model_fields.items()):
            return member
    return None


def _is_tag_of(member: Any, part: str | int) -> bool:
    if get_origin(member) is typing.Annotated:
        for meta in get_args(member)[1:]:
            if getattr(meta, "tag", None) == part:
                return True
    model = _strip(member)
    if isinstance(model, type) and issubclass(model, BaseModel):
        for field in model.model_fields.values():
            if get_origin(field.annotation) is Literal and part in get_args(field.annotation):
                return field.is_required()
    return False
