"""``duvoform emulator``: run the local Duvo API until interrupted."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click

from duvoform.api.config import LOOPBACK_HOSTS
from duvoform.app import App, pass_app
from duvoform.commands._options import output_options
from duvoform.emulator import DEFAULT_KEY, EmulatorSettings, create_app
from duvoform.emulator.runtime import Runtime
from duvoform.emulator.server import base_url_for, bind, run_server
from duvoform.emulator.settings import parse_key, parse_rate_limit
from duvoform.emulator.startup import banner, parse_faults, seed_from_file
from duvoform.errors import EmulatorError

__all__ = ["command"]


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8787,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file that keeps state across restarts (default: in memory).",
)
@click.option(
    "--key",
    "keys",
    multiple=True,
    metavar="KEY[=TEAM]",
    help=f"Accept this API key (for TEAM, default 'local'); repeatable. Default: {DEFAULT_KEY}.",
)
@click.option(
    "--rate-limit",
    metavar="N/SECONDS",
    default="300/60",
    show_default=True,
    help="Requests allowed per key in each fixed window.",
)
@click.option(
    "--latency-ms",
    type=click.IntRange(0, 60_000),
    default=0,
    show_default=True,
    help="Latency added to every API request.",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Fraction of API requests answered 500/503 without doing anything.",
)
@click.option(
    "--faults",
    "faults_json",
    metavar="JSON",
    help='More fault settings as JSON, e.g. \'{"reset_rate": 0.01, "burst_429": 5}\'.',
)
@click.option(
    "--seed",
    "seed_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON file of initial state (the POST /_emulator/seed format).",
)
@click.option("--deterministic", is_flag=True, help="Counter-based ids and a fixed clock.")
@output_options
@pass_app
def command(
    app: App,
    host: str,
    port: int,
    db: Path | None,
    keys: tuple[str, ...],
    rate_limit: str,
    latency_ms: int,
    fault_rate: float,
    faults_json: str | None,
    seed_file: Path | None,
    deterministic: bool,
) -> None:
    """Run the local Duvo API emulator (state in memory unless --db is given)."""
    parsed = dict(parse_key(text) for text in keys)
    limit, window = parse_rate_limit(rate_limit)
    if db is not None and not db.parent.exists():
        raise EmulatorError(f"the directory of --db {db} does not exist")
    settings = EmulatorSettings(
        db=db,
        keys=parsed,
        rate_limit=limit,
        rate_window=window,
        faults=parse_faults(faults_json, latency_ms, fault_rate),
        deterministic=deterministic,
        hosts=(host,),
        admin_token=secrets.token_urlsafe(24),  # a web page must not reset or read it
    )
    emulator = create_app(settings)
    runtime: Runtime = emulator.state.emulator
    try:
        if seed_file is not None:
            seed_from_file(runtime, seed_file)
        sock = bind(host, port)
        url = base_url_for(sock)
        # Plain echo, not rich: a path, key or team may hold "[...]", which is not markup.
        for line in banner(url, settings):
            click.echo(line)
        sys.stdout.flush()  # the address must show up at once, even when piped
        if host not in LOOPBACK_HOSTS:
            click.echo(
                "Warning: the emulator is reachable from other machines; it is not secure.",
                err=True,
            )
        run_server(emulator, sock)
    finally:
        runtime.store.close()
