"""The secret canary: random secret values go through plan, saved plans, apply, probes and
rotation at the highest verbosity, and never show up in stdout, stderr (debug logs included),
a plan file or the journal, yet reach the API (the emulator's state is the witness).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl, EmulatorSettings, create_app, serve_in_thread
from tests.kinds.connection.helpers import (
    assignment,
    connections,
    custom,
    headers_of,
    run,
    subprocess_env,
    write,
)


def _canary() -> str:
    return f"canary-{uuid.uuid4().hex}"


def test_secret_values_never_leave_the_request_that_sends_them(
    emulator: EmulatorControl, work: Path
) -> None:
    env_secret, file_secret, rotated = _canary(), _canary(), _canary()
    secrets = (env_secret, file_secret, rotated)
    root = write(
        work,
        custom(
            "Vault",
            shared=True,
            plaintext={"X-Org": "acme"},
            secret={"Authorization": {"env": "CANARY_TOKEN"}, "X-Key": {"file": "keys/vault.txt"}},
        ),
        assignment("Lookup", ["Vault"]),
    )
    (root / "keys").mkdir()
    (root / "keys" / "vault.txt").write_text(file_secret + "\n")
    outputs: list[Result] = []

    def duvoform(*args: str, token: str = env_secret) -> Result:
        result = run(emulator, "-vvv", *args, env={"CANARY_TOKEN": token})
        outputs.append(result)
        return result

    plan_file = work / "plan.json"
    assert duvoform("plan", "--out", str(plan_file), str(root)).exit_code == 0
    applied = duvoform("apply", str(plan_file))
    assert applied.exit_code == 0, applied.output
    sent = headers_of(connections(emulator)["Vault"])[1]
    assert sent == {"Authorization": env_secret, "X-Key": file_secret}  # it reached the API
    assert duvoform("plan", "--probe", str(root)).exit_code == 0
    rotate_file = work / "rotate.json"
    made = duvoform("plan", "--rotate-secrets", "--out", str(rotate_file), str(root), token=rotated)
    assert made.exit_code == 0, made.output
    rotation = duvoform("apply", "--format", "json", str(rotate_file), token=rotated)
    assert rotation.exit_code == 0, rotation.output
    assert duvoform("plan", "--format", "markdown", str(root), token=rotated).exit_code == 0

    # The rotated values reached the API too (the emulator keeps what it was sent).
    plain, secret = headers_of(connections(emulator)["Vault"])
    assert secret == {"Authorization": rotated, "X-Key": file_secret}
    assert plain == {"X-Org": "acme"}

    # -vvv did log requests, bodies included (redacted), so the logs were really looked at.
    assert any("request body" in r.stderr for r in outputs)
    texts = [r.stdout for r in outputs] + [r.stderr for r in outputs]
    texts += [plan_file.read_text(), rotate_file.read_text()]
    journal = list((work / ".duvoform" / "journal").glob("*.jsonl"))
    assert len(journal) == 2
    texts += [path.read_text() for path in journal]
    for text in texts:
        for value in secrets:
            assert value not in text
    # The plan files hold references instead.
    for saved in (plan_file, rotate_file):
        steps = json.loads(saved.read_text())["steps"]
        markers = [json.dumps(s["params"]) for s in steps if s["op"].startswith("connection.")]
        assert any('{"$secret": {"env": "CANARY_TOKEN"}}' in m for m in markers)


def test_a_real_process_at_the_highest_verbosity_prints_no_secret(
    emulator: EmulatorControl, work: Path
) -> None:
    first, second = _canary(), _canary()
    root = write(work, custom("Vault", secret={"Authorization": {"env": "CANARY_TOKEN"}}))

    def duvoform(*args: str, token: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "duvoform", "-vvv", *args],
            capture_output=True,
            text=True,
            env=subprocess_env(emulator, CANARY_TOKEN=token),
            timeout=60,
            check=False,
        )

    created = duvoform("apply", "--auto-approve", str(root), token=first)
    rotated = duvoform("apply", "--auto-approve", str(root), "--rotate-secrets", token=second)
    probed = duvoform("plan", "--probe", str(root), token=second)
    for process in (created, rotated, probed):
        assert process.returncode == 0, process.stderr
        assert "DEBUG" in process.stderr
        for value in (first, second):
            assert value not in process.stdout
            assert value not in process.stderr
    assert headers_of(connections(emulator)["Vault"])[1] == {"Authorization": second}


class _QuotingApi:
    """The emulator, except that it refuses every connection write and probe with a 422 whose
    message quotes the request's headers back, as some APIs' validation errors do."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("POST", "PATCH")
            and scope["path"].startswith("/v1/connections")
        ):
            body, more = b"", True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
            sent = json.loads(body or b"{}")
            quoted = f"invalid headers {json.dumps(sent.get('headers'))} in {body.decode()}"
            answer = JSONResponse({"error": "invalid_request", "message": quoted}, 422)
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def quoting_api() -> Iterator[str]:
    app = create_app(EmulatorSettings())
    try:
        with serve_in_thread(_QuotingApi(app)) as base_url:
            yield base_url
    finally:
        app.state.emulator.store.close()


def test_an_api_error_that_quotes_the_request_never_shows_the_secret(
    quoting_api: str, work: Path
) -> None:
    secret = _canary()
    root = write(work, custom("Vault", secret={"Authorization": {"env": "CANARY_TOKEN"}}))
    env = {"DUVO_API_KEY": "duvo-local-key", "CANARY_TOKEN": secret, "NO_COLOR": "1"}

    def duvoform(*args: str) -> Result:
        return CliRunner().invoke(
            cli, ["--api-url", quoting_api, "-vvv", *args], env=env, catch_exceptions=False
        )

    applied = duvoform("apply", "--auto-approve", str(root))
    as_json = duvoform("apply", "--auto-approve", "--format", "json", str(root))
    probed = duvoform("plan", "--probe", str(root))
    for result in (applied, as_json):
        assert result.exit_code == 1
        assert "invalid headers" in result.output  # the API's own words are shown...
        assert "***" in result.output  # ...with the value it quoted blanked out
    assert probed.exit_code == 0, probed.output
    assert "Connection/Vault: the MCP probe of https://mcp.example.com/warehouse was refused" in (
        probed.stderr + probed.stdout
    )
    texts = [r.stdout for r in (applied, as_json, probed)]
    texts += [r.stderr for r in (applied, as_json, probed)]
    texts += [path.read_text() for path in (work / ".duvoform" / "journal").glob("*.jsonl")]
    assert len(texts) == 8
    for text in texts:
        assert secret not in text
