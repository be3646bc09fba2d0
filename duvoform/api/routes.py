"""Every route of the Duvo API that duvoform sends, declared once.

A ``Route`` is a method and a path template (``/v1/agents/{agent_id}``). The client fills the
template to send a request (``api/ops``); a plan lists the routes each change will write
(``Change.requests``, from the operations table, ``kinds.registry.operations()``); the
request counts are kept per route (``"PATCH /v1/agents/{agent_id}"``). A test checks every
route here against ``openapi.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AGENT",
    "AGENTS",
    "AGENT_BUILD",
    "AGENT_BUILDS",
    "AGENT_SCHEDULES",
    "ATTACH_SLOTS",
    "BUILD",
    "COMPOSIO_FINALIZE",
    "COMPOSIO_START",
    "CONNECTION",
    "CONNECTIONS",
    "CONNECTION_CREDENTIALS",
    "CREATE_AGENT",
    "CREATE_BUILD",
    "CREATE_CONNECTION",
    "CREATE_FOLDER",
    "DELETE_CONNECTION",
    "DELETE_FOLDER",
    "FOLDERS",
    "MCP_OAUTH_CHECK",
    "MCP_OAUTH_START",
    "MCP_PROBE",
    "MOVE_TO_FOLDER",
    "MOVE_TO_ROOT",
    "NATIVE_OAUTH_START",
    "PIN",
    "PINS",
    "PROMOTE_BUILD",
    "REMOVE_SLOT",
    "SLOTS",
    "UNPIN",
    "UPDATE_AGENT",
    "UPDATE_BUILD",
    "UPDATE_CONNECTION",
    "UPDATE_FOLDER",
    "Route",
    "all_routes",
]


@dataclass(frozen=True)
class Route:
    """One API operation: its method and path template."""

    method: str
    path: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def writes(self) -> bool:
        """Whether the route may change state (anything but GET)."""
        return self.method != "GET"

    def to_json(self) -> dict[str, str]:
        """The plan contract's form: ``{"method", "path"}``."""
        return {"method": self.method, "path": self.path}


_AGENT = "/v1/agents/{agent_id}"
_SLOTS = _AGENT + "/revisions/{build_id}/integrations"
_SLOT = _SLOTS + "/{integration_id}"
_PINS = _SLOT + "/connections"
_FOLDER = "/v1/agent-folders/{folder_id}"
_CONNECTION = "/v1/connections/{connection_id}"

# assignments (API: agents) and their builds (API: revisions)
AGENTS = Route("GET", "/v1/agents")
CREATE_AGENT = Route("POST", "/v1/agents")
AGENT = Route("GET", _AGENT)
UPDATE_AGENT = Route("PATCH", _AGENT)
AGENT_SCHEDULES = Route("GET", _AGENT + "/schedules")
AGENT_BUILDS = Route("GET", _AGENT + "/revisions")
CREATE_BUILD = Route("POST", _AGENT + "/revisions")
AGENT_BUILD = Route("GET", _AGENT + "/revisions/{build_id}")
BUILD = Route("GET", "/v1/revisions/{build_id}")
UPDATE_BUILD = Route("PATCH", "/v1/revisions/{build_id}")
PROMOTE_BUILD = Route("POST", "/v1/revisions/{build_id}/promote")

# integration slots of a build, and the connections pinned to them
SLOTS = Route("GET", _SLOTS)
ATTACH_SLOTS = Route("POST", _SLOTS)
REMOVE_SLOT = Route("DELETE", _SLOT)
PINS = Route("GET", _PINS)
PIN = Route("POST", _PINS)
UNPIN = Route("DELETE", _PINS + "/{connection_id}")

# folders
FOLDERS = Route("GET", "/v1/agent-folders")
CREATE_FOLDER = Route("POST", "/v1/agent-folders")
UPDATE_FOLDER = Route("PATCH", _FOLDER)
DELETE_FOLDER = Route("DELETE", _FOLDER)
MOVE_TO_FOLDER = Route("POST", _FOLDER + "/agents")
MOVE_TO_ROOT = Route("POST", "/v1/agent-folders/move-agents")

# connections
CONNECTIONS = Route("GET", "/v1/connections")
CREATE_CONNECTION = Route("POST", "/v1/connections")
CONNECTION = Route("GET", _CONNECTION)
UPDATE_CONNECTION = Route("PATCH", _CONNECTION)
DELETE_CONNECTION = Route("DELETE", _CONNECTION)
CONNECTION_CREDENTIALS = Route("GET", _CONNECTION + "/credentials")
NATIVE_OAUTH_START = Route("POST", "/v1/connections/oauth/native/{provider}/start")
MCP_OAUTH_START = Route("POST", "/v1/connections/oauth/mcp/start")
MCP_OAUTH_CHECK = Route("POST", "/v1/connections/oauth/mcp/check")
MCP_PROBE = Route("POST", "/v1/connections/mcp/probe")
COMPOSIO_START = Route("POST", "/v1/connections/composio/start")
COMPOSIO_FINALIZE = Route("POST", "/v1/connections/composio/finalize")


def all_routes() -> tuple[Route, ...]:
    """Every route declared here."""
    return tuple(value for value in globals().values() if isinstance(value, Route))
