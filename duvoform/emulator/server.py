"""Serving the emulator over TCP with uvicorn: in a background thread, or in the foreground.

``serve_in_thread`` is what tests, benchmarks and helpers use: it binds a free port on loopback
(``port=0``), runs uvicorn in a daemon thread and yields the base URL. ``bind`` and
``run_server`` are what ``duvoform emulator`` uses.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp
from uvicorn.config import LOGGING_CONFIG

from duvoform.emulator.faults import EmulatedDisconnect
from duvoform.errors import EmulatorError
from duvoform.text import shorten

__all__ = ["base_url_for", "bind", "run_server", "serve_in_thread"]


class _QuietDisconnects(logging.Filter):
    """Drop uvicorn's error records about faults the emulator injected on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], EmulatedDisconnect):
            return False
        return "returned without completing response" not in record.getMessage()


_FILTER = _QuietDisconnects()


def _quiet_uvicorn() -> None:
    logger = logging.getLogger("uvicorn.error")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port=0`` picks a free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP lets asyncio set TCP_NODELAY on accepted connections; without it,
    # Nagle's algorithm and delayed ACKs add ~40 ms to every response
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        where = f"{shorten(host)}:{port}"
        raise EmulatorError(f"cannot listen on {where}: {exc.strerror or exc}") from exc
    sock.set_inheritable(True)
    return sock


def base_url_for(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def _config(app: ASGIApp, log_level: str, access_log: bool, own_logging: bool) -> uvicorn.Config:
    # without own logging, the process's logging is left alone (tests, benchmarks)
    config = uvicorn.Config(
        app,
        http="h11",
        lifespan="off",
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=2,
        log_config=LOGGING_CONFIG if own_logging else None,
    )
    _quiet_uvicorn()
    return config


@contextmanager
def serve_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yields its base URL.

    The server stops (and the thread ends) when the ``with`` block exits.
    """
    sock = bind(host, port)
    server = uvicorn.Server(_config(app, "warning", access_log=False, own_logging=False))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="duvoform-emulator", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise EmulatorError("the emulator server did not start")
        time.sleep(0.005)
    try:
        yield base_url_for(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def run_server(app: ASGIApp, sock: socket.socket, *, access_log: bool = True) -> None:
    """Serve ``app`` on an already bound socket until interrupted (Ctrl-C ends it cleanly)."""
    server = uvicorn.Server(_config(app, "info", access_log=access_log, own_logging=True))
    # uvicorn shuts down gracefully, then re-raises the captured SIGINT
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
