"""One handler per ``Op``: the function that turns a step into API requests.

Each handler takes a ``StepContext`` and returns when its step is done, raising a
``DuvoformError`` (usually the client's ``ApiError`` or ``TransportError``) when it is not. The
handlers live with their kind, declared with the routes they write in each kind's
``OPERATIONS`` (``kinds/<kind>/ops.py``); this is the executor's view of that table. A test
checks that every ``Op`` has one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from duvoform.apply.context import StepContext
from duvoform.engine.steps import Op
from duvoform.kinds.registry import operations

__all__ = ["HANDLERS", "Handler"]

Handler = Callable[[StepContext], Awaitable[None]]

HANDLERS: Mapping[Op, Handler] = MappingProxyType(
    {op: operation.handler for op, operation in operations().items()}
)
