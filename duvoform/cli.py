"""The ``duvoform`` command line: a thin click group over the library.

Each command lives in its own module under ``duvoform.commands``. Known failures
(``DuvoformError``) become a message on stderr and an exit code; anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import click

from duvoform import __version__
from duvoform.app import DEFAULT_API_URL, App
from duvoform.errors import DuvoformError
from duvoform.gcpause import paused_gc
from duvoform.redact import forget_all, scrub
from duvoform.sanitise import guarded_output, printable

__all__ = ["cli", "main"]

# command name -> module under duvoform.commands exposing a click command called ``command``
COMMANDS: dict[str, str] = {
    "apply": "apply",
    "connect": "connect",
    "drift": "drift",
    "emulator": "emulator",
    "fmt": "fmt",
    "graph": "graph",
    "import": "import_",
    "plan": "plan",
    "schema": "schema",
    "show": "show",
    "validate": "validate",
}


class LazyGroup(click.Group):
    """A group that imports each command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        # A command's imports build hundreds of classes and schemas that live as long as the
        # process: the cyclic collector would rescan them as they pile up, for nothing.
        with paused_gc():
            module = importlib.import_module(f"duvoform.commands.{module_name}")
        command: click.Command = module.command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        with guarded_output():  # no output line may start a CI log command
            try:
                return super().invoke(ctx)
            except DuvoformError as exc:
                # An error quotes outside text (a plan file's paths, an API message, a URL):
                # every line is made inert here, whatever the raising code escaped already.
                text = scrub(f"Error: {exc.render()}")
                click.echo("\n".join(printable(line) for line in text.splitlines()), err=True)
                ctx.exit(exc.exit_code)
            except KeyboardInterrupt:
                click.echo("Interrupted.", err=True)
                ctx.exit(130)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="duvoform")
@click.option(
    "--api-url",
    envvar="DUVO_API_URL",
    default=DEFAULT_API_URL,
    show_default=True,
    show_envvar=True,
    help="Duvo API base URL, or 'local' for the embedded emulator (state under .duvoform/).",
)
@click.option(
    "--api-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the API key from this file instead of DUVO_API_KEY.",
)
@click.option("-v", "--verbose", count=True, help="More log detail on stderr (repeatable).")
@click.option("--no-color", is_flag=True, help="Plain output: no colour, no bold, no progress bar.")
@click.pass_context
def cli(
    ctx: click.Context,
    api_url: str,
    api_key_file: Path | None,
    verbose: int,
    no_color: bool,
) -> None:
    """Declarative GitOps provisioning for Duvo Assignments, Builds, Folders and Connections."""
    forget_all()  # each run scrubs what it reads itself
    app = App(api_url=api_url, api_key_file=api_key_file, verbosity=verbose, color=not no_color)
    app.configure_logging()
    ctx.obj = app


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="duvoform")
