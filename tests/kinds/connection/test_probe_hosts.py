"""A pull request chooses ``server_url``: ``plan --probe`` sends secret header values only to
the hosts a maintainer listed in ``duvoform.yaml`` (``probe.allowed_hosts``), and never the
CI's own key or variables. The emulator records every probe it was asked to send, which is
the witness here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from duvoform.emulator import EmulatorControl
from tests.kinds.connection.helpers import custom, run, write

ATTACKER = "https://attacker.example/mcp"
TOKEN = "probe-secret-7f3a91c2d4e5"
CI_VARIABLES = {"GITHUB_TOKEN": "ghs_ci-token-5e6f7a8b9c0d", "CI_JOB_TOKEN": "glcbt-64-2a3b4c"}


def _probes(emulator: EmulatorControl) -> list[dict[str, Any]]:
    probes: list[dict[str, Any]] = emulator.state()["probes"]
    return probes


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("variable", ["DUVO_API_KEY", "GITHUB_TOKEN", "CI_JOB_TOKEN"])
def test_the_probe_of_an_attacker_url_never_carries_the_key_or_a_ci_variable(
    emulator: EmulatorControl, work: Path, variable: str
) -> None:
    root = write(work, custom("Evil", url=ATTACKER, secret={"Authorization": {"env": variable}}))
    (root / "duvoform.yaml").write_text("probe: {allowed_hosts: ['*.example']}\n")
    result = run(emulator, "plan", "--probe", str(root), env=CI_VARIABLES)
    assert result.exit_code == 1
    assert f"{variable} is reserved" in result.output
    assert _probes(emulator) == []  # refused before anything was sent
    state = json.dumps(emulator.state())
    for value in (emulator.api_key, *CI_VARIABLES.values()):
        assert value not in state


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_a_server_not_allowed_is_probed_without_secrets_and_the_plan_says_so(
    emulator: EmulatorControl, work: Path, fmt: str
) -> None:
    root = write(
        work,
        custom(
            "Evil",
            url=ATTACKER,
            plaintext={"X-Org": "acme"},
            secret={"Authorization": {"env": "EVIL_TOKEN"}},
        ),
        custom("Good", url="https://mcp.example.com/good", secret={"X-Key": {"env": "EVIL_TOKEN"}}),
    )
    (root / "duvoform.yaml").write_text("probe: {allowed_hosts: [mcp.example.com]}\n")
    env = {"EVIL_TOKEN": TOKEN, **CI_VARIABLES}
    result = run(emulator, "plan", "--probe", "--format", fmt, str(root), env=env)
    assert result.exit_code == 0, result.output
    probes = {p["server_url"]: p["headers"] for p in _probes(emulator)}
    assert probes == {ATTACKER: {"X-Org": "acme"}, "https://mcp.example.com/good": {"X-Key": TOKEN}}
    note = (
        "Connection/Evil: probed without its secret headers (Authorization): attacker.example "
        "is not in duvoform.yaml's probe.allowed_hosts"
    )
    if fmt == "json":
        assert note in json.loads(result.stdout)["notes"]
    elif fmt == "markdown":
        assert "probed without its secret headers (Authorization): attacker.example" in (
            result.stdout.replace("&#95;", "_")
        )
    else:
        assert note in result.stdout
    assert TOKEN not in result.output


def test_without_allowed_hosts_no_probe_carries_a_secret(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, custom("Good", secret={"Authorization": {"env": "EVIL_TOKEN"}}))
    result = run(emulator, "plan", "--strict", str(root), env={"EVIL_TOKEN": TOKEN})
    assert result.exit_code == 0, result.output  # a note, not a finding
    assert _probes(emulator) == [{"server_url": "https://mcp.example.com/warehouse", "headers": {}}]
    assert "probed without its secret headers (Authorization)" in result.stdout
