"""Validating responses against ``openapi.json`` with jsonschema.

OpenAPI 3.0 schemas are turned into JSON Schema 2020-12: ``nullable: true`` admits ``null``, the
boolean ``exclusiveMinimum`` becomes a number, and every object schema that lists
``properties`` without saying otherwise is closed (``additionalProperties: false``), so the
emulator may only send documented fields.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

__all__ = ["Operation", "operations", "spec", "validate_response"]


@cache
def spec() -> dict[str, Any]:
    """The API description the emulator ships."""
    text = resources.files("duvoform.emulator").joinpath("openapi.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _convert(value) for key, value in node.items() if not key.startswith("x-")}
    if out.get("exclusiveMinimum") is True and "minimum" in out:
        out["exclusiveMinimum"] = out.pop("minimum")
    if "properties" in out and out.get("type", "object") == "object":
        out.setdefault("additionalProperties", False)
    if out.pop("nullable", False):
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def _components() -> dict[str, Any]:
    converted: dict[str, Any] = _convert(copy.deepcopy(spec()["components"]))
    return converted


@dataclass(frozen=True)
class Operation:
    """One documented operation."""

    method: str
    template: str
    pattern: re.Pattern[str]
    responses: dict[str, Any]


@cache
def operations() -> tuple[Operation, ...]:
    """Every documented operation, literal paths before templated ones."""
    found = []
    for template, item in spec()["paths"].items():
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        for method, operation in item.items():
            if method == "parameters":
                continue
            found.append(
                Operation(method.upper(), template, re.compile(regex), operation["responses"])
            )
    return tuple(sorted(found, key=lambda op: (op.template.count("{"), op.template)))


def find_operation(method: str, path: str) -> Operation | None:
    """The documented operation a concrete request hits, if any."""
    for operation in operations():
        if operation.method == method and operation.pattern.match(path):
            return operation
    return None


def _response_schema(operation: Operation, status: int) -> dict[str, Any]:
    response = operation.responses.get(str(status))
    if response is None:
        raise AssertionError(
            f"{operation.method} {operation.template} answered {status}, which it does not document"
        )
    if "$ref" in response:
        response = spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return schema


def validate_response(method: str, path: str, status: int, body: Any) -> Operation:
    """Assert that ``body`` is what the operation documents for ``status``."""
    operation = find_operation(method, path)
    assert operation is not None, f"{method} {path} is not a documented operation"
    schema = {
        "components": _components(),
        **_convert(copy.deepcopy(_response_schema(operation, status))),
    }
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        details = "\n".join(
            f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in errors[:5]
        )
        raise AssertionError(f"{method} {operation.template} {status} does not match:\n{details}")
    return operation
