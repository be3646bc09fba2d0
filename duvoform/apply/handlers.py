"""One handler per ``Op``: the function that turns a step into API requests.

Each handler takes a ``StepContext`` and returns when its step is done, raising a
``DuvoformError`` (usually the client's ``ApiError`` or ``TransportError``) when it is not. The
handlers live with their kind: ``folders``, ``agents``, ``builds``, ``connections``. A test
checks that every ``Op`` has one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from duvoform.apply.context import StepContext
from duvoform.engine.steps import Op
from duvoform.kinds.assignment import build_ops as builds
from duvoform.kinds.assignment import ops as agents
from duvoform.kinds.connection import ops as connections
from duvoform.kinds.folder import ops as folders

__all__ = ["HANDLERS", "Handler"]

Handler = Callable[[StepContext], Awaitable[None]]

HANDLERS: Mapping[Op, Handler] = MappingProxyType(
    {
        Op.FOLDER_CREATE: folders.folder_create,
        Op.FOLDER_UPDATE: folders.folder_update,
        Op.FOLDER_DELETE: folders.folder_delete,
        Op.AGENT_CREATE: agents.agent_create,
        Op.AGENT_UPDATE: agents.agent_update,
        Op.AGENTS_MOVE: folders.agents_move,
        Op.BUILD_CREATE: builds.build_create,
        Op.BUILD_UPDATE: builds.build_update,
        Op.BUILD_PROMOTE: builds.build_promote,
        Op.BUILD_WIRE: builds.build_wire,
        Op.CONNECTION_CREATE: connections.connection_create,
        Op.CONNECTION_UPDATE: connections.connection_update,
        Op.CONNECTION_DELETE: connections.connection_delete,
        Op.CONNECTION_AUTHORIZE: connections.connection_authorize,
    }
)
