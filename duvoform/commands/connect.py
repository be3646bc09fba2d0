"""``duvoform connect NAME [PATH...]``: a person authorizes an OAuth connection.

Finds the Connection manifest called NAME (in PATHs; none: the manifest root), and when no live
connection of that name and type exists yet, starts its OAuth flow
(``duvoform.kinds.connection.oauth``: native, MCP OAuth or Composio), prints the URL the person must
open (on stdout, alone on its line; instructions go to stderr), opens it in a browser only with
``--open`` (with ``--api-url local``, whose URL no browser can open, the embedded API plays the
person who consents, so the flow runs offline), and waits, polling the connection list every
``--poll-interval`` seconds, until the connection appears or ``--timeout`` passes. Composio
connections are finalized once the account is authorized. The new connection is then renamed to NAME
and shared when the manifest says so.

Exit codes: 0 connected (or already connected); 1 the flow could not start, was refused, or
timed out; 2 bad arguments (NAME is not an OAuth Connection manifest); 130 interrupted
(Ctrl-C while waiting: waiting only reads, so nothing is left half done; a person who finishes
in the browser later still makes the connection, named as Duvo names it).
"""

from __future__ import annotations

import asyncio
import webbrowser
from pathlib import Path

import click

from duvoform.api.client import DuvoClient
from duvoform.app import App, pass_app
from duvoform.commands._browser import browser_url
from duvoform.commands._exits import interrupted
from duvoform.commands._options import (
    ManifestOptions,
    global_options,
    manifest_options,
    paths_argument,
)
from duvoform.kinds import Connection
from duvoform.kinds.connection.authorize import authorize, connection_manifest
from duvoform.kinds.connection.oauth import Flow, later_advice, oauth_spec
from duvoform.local import consent_locally
from duvoform.sanitise import printable
from duvoform.text import quote

__all__ = ["command"]


async def _connect(
    app: App,
    connection: Connection,
    *,
    open_browser: bool,
    timeout: float,
    interval: float,
    return_url: str | None,
) -> None:
    name = quote(connection.name)

    def on_url(flow: Flow, url: str) -> None:
        if app.is_local:
            click.echo(f"Authorization URL for {name} ({flow.flow} OAuth):", err=True)
            click.echo(printable(url))
            return
        click.echo(f"Open this URL in a browser to authorize {name} ({flow.flow} OAuth):", err=True)
        click.echo(printable(url))  # in full, before --open may refuse it
        if open_browser:
            webbrowser.open(browser_url(url, api_url=app.api_url))
        click.echo(
            f"Waiting up to {timeout:g} s for the connection to appear "
            "(Ctrl-C stops waiting; nothing is lost)...",
            err=True,
        )

    async def consent(client: DuvoClient, url: str) -> None:
        await consent_locally(client, url)
        click.echo("The embedded local API stands in for the person: consent given.", err=True)

    async with app.client() as client:
        done = await authorize(
            client,
            connection,
            on_url=on_url,
            consent=consent if app.is_local else None,
            return_url=return_url,
            timeout=timeout,
            interval=interval,
        )
    tail = printable(f"; {', '.join(done.done)}") if done.done else ""
    said = f"{name} is already connected" if done.already else f"Connected {name}"
    click.echo(f"{said} (connection {printable(done.live.id)}){tail}.")


@click.command("connect")
@click.argument("name")
@paths_argument
@click.option(
    "--open", "open_browser", is_flag=True, help="Also open the URL in a web browser (https only)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="Seconds to wait for the person to finish.",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0.05),
    default=2.0,
    show_default=True,
    help="Seconds between looks at the connection list.",
)
@click.option(
    "--return-url",
    metavar="URL",
    help="Where the browser goes after consent (for Composio, the callback URL).",
)
@manifest_options
@global_options
@pass_app
def command(
    app: App,
    name: str,
    paths: tuple[Path, ...],
    open_browser: bool,
    timeout: float,
    poll_interval: float,
    return_url: str | None,
    manifest_options: ManifestOptions,
) -> None:
    """Authorize the OAuth connection NAME in a browser and wait until it exists."""
    manifests = manifest_options.load_and_warn(paths)
    connection = connection_manifest(manifests, name)
    advice = later_advice(oauth_spec(connection).oauth.flow, name)
    with interrupted(
        f"Stopped waiting for {quote(name)}; duvoform changed nothing. {advice} "
        "(duvoform plan shows whether it matches the manifest)."
    ):
        asyncio.run(
            _connect(
                app,
                connection,
                open_browser=open_browser,
                timeout=timeout,
                interval=poll_interval,
                return_url=return_url,
            )
        )
