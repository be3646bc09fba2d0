"""The secret canary: random secret values go through plan, saved plans, apply, probes and
rotation at the highest verbosity, and never show up in stdout, stderr (debug logs included),
a plan file or the journal, yet reach the API (the emulator's state is the witness).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from click.testing import Result

from duvoform.emulator import EmulatorControl
from tests.connections.helpers import (
    assignment,
    connections,
    custom,
    headers_of,
    run,
    subprocess_env,
    write,
)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    return tmp_path


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
