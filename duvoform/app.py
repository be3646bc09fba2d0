"""The application object every CLI command receives (``ctx.obj``).

It holds the global settings (API URL, key source, verbosity, colour) and the two terminal
consoles. Only the CLI and the renderers write to them; library code never prints.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.console import Console

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
        no_color = not self.color or "NO_COLOR" in os.environ
        self.out = Console(file=sys.stdout, no_color=no_color, highlight=False, soft_wrap=True)
        self.err = Console(file=sys.stderr, no_color=no_color, highlight=False, soft_wrap=True)

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
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger("duvoform")
        root.handlers[:] = [handler]
        root.setLevel(level)
        root.propagate = False


pass_app = click.make_pass_decorator(App)
