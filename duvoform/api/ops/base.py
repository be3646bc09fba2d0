"""The plumbing every operation shares: path building, sending, reading the answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from duvoform.api.models import dump_body
from duvoform.api.routes import Route
from duvoform.api.transport import ApiResponse, Transport
from duvoform.errors import ApiError

__all__ = ["ClientBase", "as_body"]

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


def as_body(model: type[R], body: R | Mapping[str, Any] | None) -> dict[str, Any]:
    """The JSON body for ``body``, given as a request model or a mapping checked against it."""
    if body is None:
        return {}
    if isinstance(body, BaseModel):
        return dump_body(body)
    return dump_body(model.model_validate(dict(body)))


class ClientBase:
    """Holds the shared ``Transport`` and sends one operation through it."""

    def __init__(self, transport: Transport, *, page_size: int = 100) -> None:
        self.transport = transport
        self.page_size = page_size

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far (every attempt, retries included)."""
        return self.transport.request_count

    @property
    def requests_by_route(self) -> Counter[str]:
        """Requests sent so far per route template, e.g. ``"GET /v1/agents"``."""
        return self.transport.requests_by_route

    async def _call(
        self,
        model: type[M],
        route: Route,
        ids: Mapping[str, str] | None = None,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        safe: bool | None = None,
        accept_after_retry: frozenset[int] = frozenset(),
    ) -> tuple[M, ApiResponse]:
        """Send ``route`` (its template filled with ``ids``, each URL-quoted) and read the answer as
        ``model``. An answer accepted after a retry (see ``Transport.send``) is read as the
        model's defaults."""
        method = route.method
        path = route.path.format(**{k: quote(str(v), safe="") for k, v in (ids or {}).items()})
        response = await self.transport.send(
            method,
            path,
            route=str(route),
            params=params,
            body=body,
            safe=safe,
            accept_after_retry=accept_after_retry,
        )
        if response.retried_into:
            return model.model_construct(), response
        try:
            return model.model_validate(response.data), response
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "body"
            raise ApiError(
                method,
                path,
                response.status,
                "unexpected response",
                f"{exc.error_count()} problem(s) reading the answer, first at {where}: "
                f"{first['msg']}",
            ) from None
