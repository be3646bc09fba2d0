"""``--api-url local``: the embedded emulator, in process, with its state in SQLite.

No network and no ``DUVO_API_KEY``: requests go through ``httpx.ASGITransport`` to the
emulator app, authenticated with its default key, and the state lives in
``<state_dir>/emulator.sqlite3`` so that it survives from one command to the next. The
emulator enforces the same rate limit as the real API (300 requests a minute), so the client
paces itself exactly as it would against Duvo.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from pydantic import SecretStr
from starlette.types import ASGIApp

from duvoform.api.client import DuvoClient
from duvoform.api.config import ClientSettings
from duvoform.api.session import open_client_at
from duvoform.errors import ConnectError, EmulatorError
from duvoform.statedir import make_state_dir

__all__ = [
    "LOCAL_BASE_URL",
    "LOCAL_DB_NAME",
    "LocalTransport",
    "consent_locally",
    "open_local_client",
]

LOCAL_BASE_URL = "http://duvo.local"
LOCAL_DB_NAME = "emulator.sqlite3"


class LocalTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` over an emulator app, with dropped connections made httpx errors.

    The emulator plays a reset or a lost response by raising ``ConnectionResetError`` out of
    the app; over TCP the client would see a broken connection, so this raises
    ``httpx.ReadError`` and the client handles both the same way.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionResetError as exc:
            raise httpx.ReadError(str(exc) or "connection reset", request=request) from None

    async def aclose(self) -> None:
        await self._inner.aclose()


@asynccontextmanager
async def open_local_client(
    state_dir: Path, settings: ClientSettings | None = None
) -> AsyncIterator[DuvoClient]:
    """A client for the embedded emulator whose state is ``state_dir/emulator.sqlite3``."""
    from duvoform.emulator import DEFAULT_KEY, EmulatorSettings, create_app

    db = state_dir / LOCAL_DB_NAME
    try:
        make_state_dir(state_dir)
        app = create_app(EmulatorSettings(db=db))
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if isinstance(exc, FileExistsError | NotADirectoryError):
            reason = f"{state_dir} is a file, not a directory"
        elif "readonly" in reason:
            reason += f" ({state_dir} or the file in it is read-only)"
        raise EmulatorError(f"cannot open the local emulator state {db}: {reason}") from None
    try:
        async with open_client_at(
            LOCAL_BASE_URL,
            settings or ClientSettings(base_url=LOCAL_BASE_URL),
            SecretStr(DEFAULT_KEY),
            transport=LocalTransport(app),
        ) as client:
            yield client
    finally:
        app.state.emulator.store.close()


async def consent_locally(client: DuvoClient, url: str) -> None:
    """Play the person who consents to the OAuth flow at ``url`` on the embedded local API,
    which has no page a browser could open (its ``/_emulator/oauth/complete`` route), so that
    ``connect`` runs to the end offline. ``ConnectError`` when the emulator refuses."""
    state = httpx.URL(url).params.get("state", "")
    answer = await client.transport.http.get("/_emulator/oauth/complete", params={"state": state})
    if answer.status_code != 200:
        raise ConnectError(f"the local API refused the consent ({answer.status_code})")
