"""The application object every CLI command receives (``ctx.obj``).

It holds the global settings (API URL, key source, verbosity, colour) and the two terminal
consoles. Only the CLI and the renderers write to them; library code never prints.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click
from rich.console import Console

from duvoform.redact import remember, scrub
from duvoform.sanitise import SafeLogFormatter

if TYPE_CHECKING:
    from duvoform.api.client import DuvoClient

__all__ = ["DEFAULT_API_URL", "LOCAL_API_URL", "App", "pass_app"]

DEFAULT_API_URL = "https://api.duvo.ai"
LOCAL_API_URL = "local"


@dataclass
class App:
    """Global settings and output channels for one CLI invocation."""

    api_url: str = DEFAULT_API_URL
    api_key_file: Path | None = None
    verbosity: int = 0
    color: bool = True
    state_dir: Path = field(default_factory=lambda: Path(".duvoform"))
    out: Console = field(init=False)
    err: Console = field(init=False)

    def __post_init__(self) -> None:
        # NO_COLOR asks for no colour; --no-color for no terminal formatting at all (as
        # Terraform's -no-color): no styles, and no progress bar that moves the cursor.
        no_color = not self.color or "NO_COLOR" in os.environ
        system: Literal["auto"] | None = "auto" if self.color else None
        self.out, self.err = (
            Console(
                file=stream,
                no_color=no_color,
                color_system=system,
                highlight=False,
                soft_wrap=True,
            )
            for stream in (sys.stdout, sys.stderr)
        )

    @property
    def is_local(self) -> bool:
        """True when the embedded emulator stands in for the Duvo API."""
        return self.api_url == LOCAL_API_URL

    def configure_logging(self) -> None:
        """Send library logs to stderr at the level ``-v`` asked for."""
        level = logging.WARNING
        if self.verbosity == 1:
            level = logging.INFO
        elif self.verbosity >= 2:
            level = logging.DEBUG
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(SafeLogFormatter("%(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_scrub_record)
        root = logging.getLogger("duvoform")
        root.handlers[:] = [handler]
        root.setLevel(level)
        root.propagate = False

    def key_fingerprint(self) -> str | None:
        """The keyed fingerprint of the API key in use (``api_key_fingerprint``), which a
        plan file is bound to; None for the embedded emulator, which needs no key. A missing
        or unusable key is the ``UsageError`` that ``client`` would raise."""
        if self.is_local:
            return None
        from duvoform.api.config import load_api_key
        from duvoform.engine.planfile import api_key_fingerprint

        return api_key_fingerprint(load_api_key(self.api_key_file).get_secret_value())

    @asynccontextmanager
    async def client(self, *, concurrency: int = 8) -> AsyncIterator[DuvoClient]:
        """An API client for this invocation: ``async with app.client() as client: ...``.

        ``--api-url local`` gives the embedded emulator (state in ``state_dir``, no key
        needed). Otherwise the URL is checked (https, or http to loopback) and the key is read
        from ``--api-key-file`` or ``DUVO_API_KEY`` before any request; problems with either
        are a ``UsageError`` that says what to set. ``concurrency`` bounds requests in flight.
        """
        # Imported here so that commands which never talk to the API start quickly.
        from duvoform.api.config import ClientSettings, load_api_key, normalise_base_url
        from duvoform.api.session import open_client

        if self.is_local:
            from duvoform.local import open_local_client

            settings = ClientSettings(base_url=LOCAL_API_URL, concurrency=concurrency)
            async with open_local_client(self.state_dir, settings) as local:
                yield local
            return
        settings = ClientSettings(
            base_url=normalise_base_url(self.api_url), concurrency=concurrency
        )
        key = load_api_key(self.api_key_file)
        remember(key.get_secret_value())
        async with open_client(settings, key) as remote:
            yield remote


def _scrub_record(record: logging.LogRecord) -> bool:
    """Scrub a log record's message of every secret read in this run (never drops it)."""
    record.msg = scrub(record.getMessage())
    record.args = None
    return True


pass_app = click.make_pass_decorator(App)
