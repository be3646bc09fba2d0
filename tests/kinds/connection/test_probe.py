"""``plan --probe``: unreachable servers, rejected credentials and MCP servers that cannot do
OAuth are warnings; ``--strict`` makes them errors. Against the emulator, whose probe fails for
hosts ending in ``.invalid`` and for an ``Authorization`` value ending in ``bad``, and whose
OAuth check fails for hosts containing ``nodcr``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from tests.kinds.connection.helpers import custom, oauth, routes, run, write

PROBE = "POST /v1/connections/mcp/probe"
CHECK = "POST /v1/connections/oauth/mcp/check"
GOOD_TOKEN = "good-probe-token-5b1e"
BAD_TOKEN = "Bearer probe-canary-4d2c bad"
ENV = {"GOOD_TOKEN": GOOD_TOKEN, "BAD_TOKEN": BAD_TOKEN}

TEAM = [
    custom(
        "Good", url="https://mcp.example.com/good", secret={"Authorization": {"env": "GOOD_TOKEN"}}
    ),
    custom("Down", url="https://down.invalid/mcp", plaintext={"X-Org": "acme"}),
    custom(
        "Rejected", url="https://mcp.example.com/r", secret={"Authorization": {"env": "BAD_TOKEN"}}
    ),
    custom("Unset", url="https://mcp.example.com/u", secret={"Authorization": {"env": "UNSET_X"}}),
    oauth("Legacy", {"flow": "mcp", "server_url": "https://nodcr.example.com/mcp"}),
    oauth("Modern", {"flow": "mcp", "server_url": "https://crm.example.com/mcp"}),
    oauth("Inbox", {"flow": "native", "provider": "gmail"}),
]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return allow_probes(write(tmp_path, *TEAM))


def allow_probes(root: Path) -> Path:
    """Let probes carry secrets to mcp.example.com (a maintainer's duvoform.yaml)."""
    (root / "duvoform.yaml").write_text("probe: {allowed_hosts: [mcp.example.com]}\n")
    return root


def test_probe_findings_are_warnings(emulator: EmulatorControl, root: Path) -> None:
    emulator.clear_stats()
    result = run(emulator, "-vvv", "plan", "--probe", "--format", "json", str(root), env=ENV)
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert len(warnings) == 4
    by_address = {w.split(":")[0]: w for w in warnings}
    assert "could not connect to down.invalid" in by_address["Connection/Down"]
    assert "401 Unauthorized" in by_address["Connection/Rejected"]
    assert (
        "not probed: cannot read the secret header Authorization" in by_address["Connection/Unset"]
    )
    assert "UNSET_X is not set" in by_address["Connection/Unset"]
    assert "dynamic client registration" in by_address["Connection/Legacy"]
    assert routes(emulator)[PROBE] == 3  # Good, Down, Rejected (Unset was not probed)
    assert routes(emulator)[CHECK] == 2  # Legacy, Modern
    assert emulator.stats()["writes"] == 0
    for text in (result.stdout, result.stderr):
        assert GOOD_TOKEN not in text
        assert "probe-canary-4d2c" not in text
    assert "request body" in result.stderr  # -vvv logged the probe bodies, redacted


def test_without_probe_nothing_is_probed(emulator: EmulatorControl, root: Path) -> None:
    emulator.clear_stats()
    result = run(emulator, "plan", str(root), env=ENV)
    assert result.exit_code == 0
    assert "probe" not in result.stdout
    assert routes(emulator).get(PROBE, 0) == routes(emulator).get(CHECK, 0) == 0


def test_strict_makes_findings_errors_and_saves_no_plan(
    emulator: EmulatorControl, root: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    result = run(emulator, "plan", "--strict", "--out", str(plan_file), str(root), env=ENV)
    assert result.exit_code == 1
    assert "Warning: Connection/Down" in result.stdout  # the plan is still shown
    assert "--strict: the pre-flight checks found 4 problems, so no plan was saved" in result.stderr
    assert "Connection/Rejected:" in result.stderr
    assert not plan_file.exists()


def test_strict_passes_when_every_check_does(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    good = allow_probes(write(tmp_path, TEAM[0], TEAM[5], TEAM[6]))
    result = run(emulator, "plan", "--strict", "--detailed-exitcode", str(good), env=ENV)
    assert result.exit_code == 2, result.output  # changes, and no finding
    assert "Warning" not in result.stdout


def test_a_secret_that_is_not_utf8_is_a_finding_not_a_crash(
    emulator: EmulatorControl, root: Path
) -> None:
    emulator.clear_stats()
    env = {**ENV, "UNSET_X": "tok\udcffen"}  # how Python reads bytes that are not UTF-8
    result = run(emulator, "plan", "--probe", "--format", "json", str(root), env=env)
    assert result.exit_code == 0, result.output
    warnings = [w for w in json.loads(result.stdout)["warnings"] if "Connection/Unset" in w]
    assert len(warnings) == 1
    assert "environment variable UNSET_X is not valid UTF-8" in warnings[0]
    assert routes(emulator)[PROBE] == 3  # Unset was not probed
