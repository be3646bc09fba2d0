"""Shared fixtures: the local Duvo emulator, over real HTTP and in process.

``emulator``
    A fresh emulator for each test, served over real HTTP by uvicorn on a free loopback port.
    One server runs for the whole session and is reset before each test (state and stats
    emptied; keys, rate limit and faults back to their defaults: key ``duvo-local-key`` for
    team ``local``, 300 requests per 60 s, no faults). The value is an
    ``duvoform.emulator.EmulatorControl``:

    - ``.base_url``, ``.api_key``, ``.headers`` (the ``Authorization`` header)
    - ``.client(api_key=None, **kw)`` / ``.async_client(...)``: httpx clients for the API
    - ``.stats()``, ``.clear_stats()``, ``.state()`` (every row, write-only data included; these
      fixtures set ``reveal_secrets``, so secret header values show as sent)
    - ``.seed(dict)`` (bulk state; returns the ids made), ``.seed_schedules(list)``
    - ``.set_faults(**kw)`` (replaces all fault settings), ``.faults()``
    - ``.set_rate_limit(n, seconds)``, ``.add_key(key, team)``, ``.reset()``
    - ``.complete_oauth(authorization_url, name=None)``: plays the person who consents

``deterministic_emulator``
    Like ``emulator`` but its ids and timestamps are deterministic (ids from a counter,
    timestamps from 2026-01-01T00:00:00Z moving one second per use), for golden outputs.

``emulator_app``
    A new in-process emulator app (default settings) for ``httpx.ASGITransport``::

        transport = httpx.ASGITransport(app=emulator_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator",
                                     headers={"Authorization": "Bearer duvo-local-key"}) as c:
            ...

    Its state is reachable as ``emulator_app.state.emulator`` (a ``Runtime``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

from duvoform.emulator import EmulatorControl, EmulatorSettings, create_app, serve_in_thread


def _serve(settings: EmulatorSettings) -> Iterator[EmulatorControl]:
    with serve_in_thread(create_app(settings)) as base_url:
        control = EmulatorControl(base_url)
        try:
            yield control
        finally:
            control.close()


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[EmulatorControl]:
    yield from _serve(EmulatorSettings(reveal_secrets=True))


@pytest.fixture(scope="session")
def _deterministic_server() -> Iterator[EmulatorControl]:
    yield from _serve(EmulatorSettings(deterministic=True, reveal_secrets=True))


@pytest.fixture
def emulator(_emulator_server: EmulatorControl) -> EmulatorControl:
    """A freshly reset emulator served over real HTTP (see the module docstring)."""
    _emulator_server.reset()
    return _emulator_server


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    """The working directory (and so ``.duvoform/``) in ``tmp_path``, against an emulator whose
    rate limit no test of a whole team reaches."""
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    return tmp_path


@pytest.fixture
def deterministic_emulator(_deterministic_server: EmulatorControl) -> EmulatorControl:
    """A freshly reset emulator with deterministic ids and timestamps, over real HTTP."""
    _deterministic_server.reset()
    return _deterministic_server


@pytest.fixture
def emulator_app() -> Iterator[Starlette]:
    """A new in-process emulator app with default settings (for ``httpx.ASGITransport``)."""
    app = create_app(EmulatorSettings(reveal_secrets=True))
    yield app
    app.state.emulator.store.close()


@pytest.fixture(autouse=True)
def _duvoform_logger_restored() -> Iterator[None]:
    """A CLI run in process points the ``duvoform`` logger at that run's stderr and stops it
    propagating; put it back after each test, so that the next test's ``caplog`` sees logs."""
    logger = logging.getLogger("duvoform")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved
