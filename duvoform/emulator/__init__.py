"""A faithful local Duvo API: an ASGI app over SQLite, with fault injection.

It serves the v1 operations of ``openapi.json`` (shipped beside this module and served at
``GET /_emulator/openapi.json``) with their envelopes, status codes and ``{error, message}``
bodies, so duvoform can be tried, tested and benchmarked without a Duvo account. The same app
runs in process (``httpx.ASGITransport``; no lifespan events needed) and over TCP
(``serve_in_thread`` or ``duvoform emulator``).

Conventions where the API documentation is silent (each is written down in the module that
implements it):

- Keys: ``Authorization: Bearer <key>``; each key belongs to one team and stands for one user.
  ``duvo-local-key`` for team ``local`` unless keys are configured. Another team's objects are
  404, never 403.
- Validation: 400 ``{"error": "validation_error", "message": "<field path>: <reason>"}``; a
  path id that is not a UUID is a 400; ``limit`` outside 1..100, ``offset`` < 0 or a
  non-integer is a 400. Unknown body keys are ignored. Unknown ids in a path are 404; unknown
  ids inside a body are a 400 naming the field, except the move routes and a connection's
  ``custom_integration_id`` (404, the only thing their 404 can mean).
- Lists are ordered by ``created_at``, then ``id``; timestamps strictly increase, so that is
  creation order.
- Builds (``routes_builds``): the inline first build is live; each new build becomes newest and
  live (the previous live one becomes ``historic``); promote re-lives an older build; promoting
  the live build is a 409; builds and agents cannot be deleted (``DELETE`` on an agent is 405).
- Folders (``routes_folders``): a forced delete removes the folder's whole subtree and moves its
  assignments to the root.
- Connections (``routes_connections``): ``/credentials`` blanks secret values to ``""`` and
  returns plaintext values; ``""`` on PATCH keeps a secret. OAuth flows, probe and check follow
  the rules in ``routes_oauth`` (e.g. hosts ending in ``.invalid`` are unreachable; hosts with
  ``nodcr`` do not support dynamic client registration).
- Schedules are read-only in v1 and seeded through ``POST /_emulator/schedules``.
- Rate limit: fixed window per key (default 300 per 60 s); ``x-ratelimit-*`` headers on every
  API response, 429 ``{"error": "rate_limited"}`` with ``retry-after``.
- Faults (``faults``): latency, 500/503, 429 bursts, resets and commit-then-drop.
- Emulator-only routes live under ``/_emulator`` (``routes_admin``): no key, not counted, not
  rate limited.
"""

from __future__ import annotations

from duvoform.emulator.app import create_app
from duvoform.emulator.catalog import catalog_id
from duvoform.emulator.control import EmulatorControl
from duvoform.emulator.faults import EmulatedDisconnect
from duvoform.emulator.server import run_server, serve_in_thread
from duvoform.emulator.settings import (
    DEFAULT_KEY,
    DEFAULT_TEAM,
    EmulatorSettings,
    FaultSettings,
    team_id_for,
)

__all__ = [
    "DEFAULT_KEY",
    "DEFAULT_TEAM",
    "EmulatedDisconnect",
    "EmulatorControl",
    "EmulatorSettings",
    "FaultSettings",
    "catalog_id",
    "create_app",
    "run_server",
    "serve_in_thread",
    "team_id_for",
]
