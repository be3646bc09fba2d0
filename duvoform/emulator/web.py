"""Request plumbing shared by the route modules: errors, the request context, validation.

Handlers are ``async def handler(ctx: Ctx) -> Response`` wrapped by ``endpoint``, which checks
path ids (every path parameter ending in ``_id`` must be a UUID, else 400), builds the context,
and turns an ``ApiProblem`` into the API's ``{error, message}`` body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from duvoform.emulator.guard import MAX_NESTING, too_deep
from duvoform.emulator.store import Store
from duvoform.text import shorten

if TYPE_CHECKING:
    from duvoform.emulator.runtime import Runtime

__all__ = [
    "CALLER_SCOPE_KEY",
    "WROTE_SCOPE_KEY",
    "ApiProblem",
    "Caller",
    "Ctx",
    "bad_request",
    "endpoint",
    "error_response",
    "is_uuid",
    "json_response",
    "not_found",
    "validation_message",
]

CALLER_SCOPE_KEY = "duvoform.emulator.caller"
WROTE_SCOPE_KEY = "duvoform.emulator.wrote"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

M = TypeVar("M", bound=BaseModel)


def is_uuid(value: object) -> bool:
    """Whether ``value`` is a UUID string (any case)."""
    return isinstance(value, str) and bool(_UUID.match(value))


@dataclass(frozen=True)
class Caller:
    """Who is calling: the key's team and the user the key stands for."""

    team_id: str
    user_id: str
    user_name: str
    user_email: str
    bucket: str  # rate-limit bucket; never shown anywhere


class ApiProblem(Exception):
    """An error answer: ``status`` with body ``{error, message, **extra}``."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.extra = extra or {}
        self.headers = headers or {}

    def response(self) -> Response:
        """The JSON response for this problem."""
        return error_response(self.status, self.error, self.message, self.extra, self.headers)


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response."""
    return JSONResponse(body, status_code=status)


def error_response(
    status: int,
    error: str,
    message: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The API's error body: ``{"error": ..., "message": ...}``."""
    return JSONResponse(
        {"error": error, "message": message, **(extra or {})}, status_code=status, headers=headers
    )


def bad_request(field: str, reason: str) -> NoReturn:
    """Raise a 400 naming the field."""
    raise ApiProblem(400, "validation_error", f"{field}: {reason}")


def not_found(what: str) -> NoReturn:
    """Raise a 404 for an unknown (or invisible) object."""
    raise ApiProblem(404, "not_found", f"{what} not found")


def _path_of(loc: tuple[int | str, ...], data: Any) -> str:
    """Render a pydantic error location as a field path, skipping union-member tags."""
    parts: list[str] = []
    current = data
    for index, element in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, list) and isinstance(element, int):
            parts.append(f"[{element}]")
            current = current[element] if element < len(current) else None
        elif (
            isinstance(current, dict) and isinstance(element, str) and (element in current or last)
        ):
            parts.append(("." if parts else "") + element)
            current = current.get(element)
    return "".join(parts) or "body"


def validation_message(exc: ValidationError, data: Any) -> str:
    """``field.path: reason`` for the first error pydantic found (fields in declared order)."""
    errors = exc.errors(include_url=False)
    best = errors[0]
    path = shorten(_path_of(tuple(best["loc"]), data))  # an unknown key may be huge
    message = str(best["msg"])
    if best["type"] == "missing":
        message = "field required"
    more = len(errors) - 1
    return f"{path}: {message}" + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


class Ctx:
    """Everything a handler needs: the request, the runtime, the caller and the path ids."""

    def __init__(self, request: Request, runtime: Runtime, caller: Caller) -> None:
        self.request = request
        self.rt = runtime
        self.caller = caller
        self.path: dict[str, str] = {
            name: value.lower() if name.endswith("_id") else value
            for name, value in request.path_params.items()
        }

    @property
    def store(self) -> Store:
        """The runtime's store."""
        return self.rt.store

    @property
    def base_url(self) -> str:
        """The server's own base URL as the caller sees it (no trailing slash)."""
        return str(self.request.base_url).rstrip("/")

    def wrote(self) -> None:
        """Record that this request changed state (counted in stats; eligible for drops)."""
        self.request.scope[WROTE_SCOPE_KEY] = True

    async def raw_json(self, *, empty: Any = None) -> Any:
        """The decoded JSON body; ``empty`` when there is none (400 if ``empty`` is None)."""
        body = await self.request.body()
        if not body.strip():
            if empty is None:
                bad_request("body", "a JSON body is required")
            return empty
        if too_deep(body):
            raise ApiProblem(400, "invalid_json", f"JSON nested more than {MAX_NESTING} deep")
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ApiProblem(400, "invalid_json", "the request body is not valid JSON") from None

    async def body(self, model: type[M], *, empty_ok: bool = False) -> M:
        """The JSON body validated against ``model`` (400 naming the field otherwise)."""
        data = await self.raw_json(empty={} if empty_ok else None)
        return parse_body(model, data)

    def query(self, name: str) -> str | None:
        """One query parameter (the last one when repeated)."""
        return self.request.query_params.get(name)

    def page(self, default_limit: int) -> tuple[int, int]:
        """``(limit, offset)`` from the query: limit 1..100, offset >= 0 (400 otherwise)."""
        limit = self._int("limit", default_limit, 1, 100)
        offset = self._int("offset", 0, 0, None)
        return limit, offset

    def _int(self, name: str, default: int, low: int, high: int | None) -> int:
        raw = self.query(name)
        if raw is None:
            return default
        rule = f"between {low} and {high}" if high is not None else f"at least {low}"
        if high is None:
            rule += " with at most 18 digits"  # a longer one would overflow the store
        if not re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
            bad_request(name, f"must be an integer {rule}")
        value = int(raw)
        if value < low or (high is not None and value > high):
            bad_request(name, f"must be an integer {rule}")
        return value


def parse_body(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate decoded JSON against ``model`` (strict JSON types, unknown keys ignored).

    ``prefix`` names where ``data`` sits in the request body (e.g. ``config``).
    """
    if not isinstance(data, dict):
        bad_request(prefix or "body", "must be a JSON object")
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        message = validation_message(exc, data)
        if prefix:
            message = (
                prefix + ("" if message.startswith("body:") else ".") + message.removeprefix("body")
            )
        raise ApiProblem(400, "validation_error", message) from None


Handler = Callable[[Ctx], Awaitable[Response]]


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a handler as a Starlette endpoint (path-id checks, context, error bodies)."""

    async def run(request: Request) -> Response:
        runtime: Runtime = request.app.state.emulator
        caller: Caller | None = request.scope.get(CALLER_SCOPE_KEY)
        if caller is None:  # the pipeline authenticates first; this guards misuse
            return error_response(401, "unauthorized", "missing or invalid API key")
        for name, value in request.path_params.items():
            if name.endswith("_id") and not is_uuid(value):
                return error_response(400, "validation_error", f"{name}: must be a UUID")
        try:
            return await handler(Ctx(request, runtime, caller))
        except ApiProblem as problem:
            return problem.response()

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
