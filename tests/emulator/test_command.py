"""``duvoform emulator``: options, output, and a real run in a subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from duvoform.cli import cli
from duvoform.emulator.settings import parse_key, parse_rate_limit
from duvoform.emulator.store import fingerprint_matches
from duvoform.errors import EmulatorError
from tests.e2e.helpers import AT_A_TERMINAL


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--rate-limit", "lots"], 1, "is not N/SECONDS"),
        (["--rate-limit", "0/60"], 1, "N >= 1"),
        (["--key", "=acme"], 1, "API key must be non-empty"),
        (["--key", "k="], 1, "team after '=' must not be empty"),
        (["--port", "70000"], 2, "70000"),
        (["--fault-rate", "1.5"], 2, "1.5"),
        (["--db", "no-such-dir/x.sqlite"], 1, "does not exist"),
        (["--faults", "{"], 1, "--faults is not valid JSON"),
        (["--faults", "[]"], 1, "--faults must be a JSON object"),
        (["--faults", '{"reset_rate": 3}'], 1, "--faults: reset_rate: "),
        (["--rate-limit", "9" * 100_000], 1, "(100000 characters)"),
        (["--faults", '{"' + "k" * 100_000 + '": 1}'], 1, "Extra inputs are not permitted"),
        (["--host", "h" * 100_000], 1, "(100000 characters):8787"),
    ],
)
def test_bad_options_are_clear_errors(args: list[str], code: int, text: str) -> None:
    result = CliRunner().invoke(cli, ["emulator", *args])
    assert result.exit_code == code
    assert text in result.output
    assert "Traceback" not in result.output
    assert len(result.output) < 1000  # no huge value echoed back


def test_parsers() -> None:
    assert parse_key("abc") == ("abc", "local")
    assert parse_key("abc=Acme Corp") == ("abc", "Acme Corp")
    assert parse_rate_limit("300/60") == (300, 60.0)
    assert parse_rate_limit(" 10 / 1.5s ") == (10, 1.5)
    with pytest.raises(EmulatorError):
        parse_rate_limit("10/0")


def test_a_taken_port_is_a_clear_error() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["emulator", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


@contextmanager
def _running(*args: str) -> Iterator[tuple[str, list[str]]]:
    """Run ``duvoform emulator`` in a subprocess; stop it with Ctrl-C (SIGINT) afterwards.

    Yields the base URL and the lines printed up to its ``Try:`` line; once it has stopped,
    the rest of its stdout and all of its stderr (the access log) are added to those lines."""
    env = {**os.environ, "NO_COLOR": "1"}
    command = [*AT_A_TERMINAL, "emulator", "--port", "0", *args]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        lines: list[str] = []
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip("\n"))
                if line.startswith("Try:"):
                    break
            match = re.search(r"listening on (http://\S+)", "\n".join(lines))
            assert match, lines
            yield match.group(1), lines
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                out, err = proc.communicate(timeout=15)
                lines.extend(out.splitlines() + err.splitlines())
            finally:
                if proc.poll() is None:
                    proc.kill()
        assert proc.returncode == 0, err
        assert "Traceback" not in err


def test_command_serves_prints_and_persists(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"team": "acme", "agents": [{"name": "Seeded"}]}))
    key = "acme-private-key-123"
    with _running("--db", str(db), "--key", f"{key}=acme", "--seed", str(seed)) as (url, lines):
        assert url.startswith("http://127.0.0.1:")
        assert key not in "\n".join(lines)
        assert any(line.startswith("API key: acme") and "team acme" in line for line in lines)
        headers = {"Authorization": f"Bearer {key}"}
        response = httpx.post(
            f"{url}/v1/agent-folders", json={"name": "Made live"}, headers=headers
        )
        assert response.status_code == 201
        assert (
            httpx.get(
                f"{url}/v1/agents", headers={"Authorization": "Bearer duvo-local-key"}
            ).status_code
            == 401
        )
    with _running("--db", str(db), "--key", f"{key}=acme") as (url, _):
        headers = {"Authorization": f"Bearer {key}"}
        folders = httpx.get(f"{url}/v1/agent-folders", headers=headers).json()["folders"]
        agents = httpx.get(f"{url}/v1/agents", headers=headers).json()["agents"]
    assert [f["name"] for f in folders] == ["Made live"]
    assert [a["name"] for a in agents] == ["Seeded"]


def test_command_defaults_print_the_default_key_and_apply_faults() -> None:
    faults = '{"error_statuses": [503]}'
    with _running("--fault-rate", "1", "--rate-limit", "5/60", "--faults", faults) as (url, lines):
        assert "API key: duvo-local-key (team local)" in lines
        response = httpx.get(f"{url}/v1/agents", headers={"Authorization": "Bearer duvo-local-key"})
        assert response.status_code == 503
        assert response.headers["x-ratelimit-limit"] == "5"


def test_square_brackets_in_a_key_team_or_path_are_printed_as_they_are(tmp_path: Path) -> None:
    db = tmp_path / "state[bold].sqlite"
    with _running("--key", "[/]key-123=[red]team", "--db", str(db)) as (url, lines):
        assert f"State: {db}" in lines
        assert "API key: [/]k… (10 characters) (team [red]team)" in lines
        # the server answers (and so handles Ctrl-C itself) before it is stopped
        answer = httpx.get(f"{url}/v1/agents", headers={"Authorization": "Bearer [/]key-123"})
        assert answer.status_code == 200


def test_the_emulator_logs_stats_and_state_file_never_hold_a_secret_header(tmp_path: Path) -> None:
    canary = "canary-7c1e-emulator-secret"
    db = tmp_path / "state.sqlite"
    headers = {"Authorization": "Bearer duvo-local-key"}
    with _running("--db", str(db)) as (url, lines):
        body = {
            "name": "Vault",
            "provider": "user",
            "auth_method": "headers",
            "server_url": "https://mcp.example.com/vault",
            "headers": {"secret": {"Authorization": f"Bearer {canary}"}},
        }
        made = httpx.post(f"{url}/v1/connections", json=body, headers=headers)
        assert made.status_code == 201, made.text
        read = httpx.get(f"{url}/v1/connections/{made.json()['id']}/credentials", headers=headers)
        assert read.status_code == 200
        assert canary not in read.text  # write-only
        stats = httpx.get(f"{url}/_emulator/stats").text
    assert any("POST /v1/connections" in line for line in lines)  # the access log was read
    for text in ("\n".join(lines), stats, db.read_bytes().decode("utf-8", "replace")):
        assert canary not in text


def test_control_routes_need_the_printed_admin_token_and_state_shows_no_secret() -> None:
    canary = "canary-41d9-in-memory-secret"
    headers = {"Authorization": "Bearer duvo-local-key"}
    with _running() as (url, lines):
        (line,) = [line for line in lines if line.startswith("Admin token for /_emulator/*")]
        token = line.rsplit(" ", 1)[1]
        body = {
            "name": "Vault",
            "provider": "user",
            "auth_method": "headers",
            "server_url": "https://mcp.example.com/vault",
            "headers": {"secret": {"Authorization": f"Bearer {canary}"}},
        }
        assert httpx.post(f"{url}/v1/connections", json=body, headers=headers).status_code == 201
        for path in ("/_emulator/state", "/_emulator/stats", "/_emulator/faults"):
            assert httpx.get(f"{url}{path}").status_code == 403
        assert httpx.post(f"{url}/_emulator/reset").status_code == 403
        state = httpx.get(f"{url}/_emulator/state", headers={"x-emulator-admin": token})
        assert state.status_code == 200
    assert canary not in state.text
    (sealed,) = state.json()["connections"][0]["headers_secret"].values()
    assert fingerprint_matches(sealed, f"Bearer {canary}")
