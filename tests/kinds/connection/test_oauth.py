"""OAuth connections end to end: plans mark them ``authorize``, apply reports them as pending
(exit 0, the rest done), and ``duvoform connect`` runs each flow through the emulator's consent
route: native, MCP OAuth and Composio; a refusal, a timeout and Ctrl-C; then apply wires it.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
import webbrowser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import AT_A_TERMINAL
from tests.kinds.connection.helpers import (
    TOKEN_ENV,
    assignment,
    connections,
    custom,
    oauth,
    run,
    subprocess_env,
    write,
)

NATIVE = oauth("AP inbox", {"flow": "native", "provider": "gmail"})
MCP = oauth(
    "CRM",
    {"flow": "mcp", "server_url": "https://crm.mcp.example.com/mcp", "integration_type": "hubspot"},
    shared=True,
)
COMPOSIO = oauth("Slack finance", {"flow": "composio", "auth_config_id": "ac_1", "app": "slack"})
WAREHOUSE = custom("Warehouse", secret={"Authorization": {"env": TOKEN_ENV}})
FAST = ("--poll-interval", "0.05", "--timeout", "20")


def _pins(emulator: EmulatorControl) -> set[str]:
    return {pin["connection_id"] for pin in emulator.state()["slot_pins"]}


def test_an_oauth_connection_is_authorize_in_the_plan_and_pending_in_apply(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(
        work, NATIVE, MCP, COMPOSIO, WAREHOUSE, assignment("Triage", ["AP inbox", "Warehouse"])
    )
    plan = run(emulator, "plan", "--detailed-exitcode", "--format", "json", str(root))
    assert plan.exit_code == 2
    doc = json.loads(plan.stdout)
    assert doc["summary"]["authorize"] == 3
    flows = {c["name"]: c for c in doc["changes"] if c["action"] == "authorize"}
    assert set(flows) == {"AP inbox", "CRM", "Slack finance"}
    assert all(c["requests"] == [] for c in flows.values())
    assert flows["Slack finance"]["fields"][0] == {
        "path": "oauth",
        "before": None,
        "after": {"flow": "composio", "auth_config_id": "ac_1", "app": "slack"},
    }

    applied = run(
        emulator, "apply", "--auto-approve", "--format", "json", str(root), env={TOKEN_ENV: "t"}
    )
    assert applied.exit_code == 0, applied.output  # pending is not a failure
    report = json.loads(applied.stdout)
    status = {(s["address"], s["op"]): s["status"] for s in report["steps"]}
    for name in ("AP inbox", "CRM", "Slack finance"):
        assert status[(f"Connection/{name}", "connection.authorize")] == "pending"
    assert status[("Connection/Warehouse", "connection.create")] == "done"
    assert status[("Assignment/Triage", "agent.create")] == "done"
    wires = [s for s in report["steps"] if s["op"] == "build.wire"]
    assert sorted(s["status"] for s in wires) == ["done", "skipped"]  # Warehouse now, AP later
    assert _pins(emulator) == {connections(emulator)["Warehouse"]["id"]}

    text = run(emulator, "apply", "--auto-approve", str(root), env={TOKEN_ENV: "t"})
    assert text.exit_code == 0
    assert 'duvoform connect "AP inbox"' in text.stdout


def _connect_in_background(
    emulator: EmulatorControl, root: Path, name: str, *extra: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*AT_A_TERMINAL, "connect", name, str(root), *FAST, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(emulator),
    )


def _polling(emulator: EmulatorControl, process: subprocess.Popen[str]) -> None:
    """Return once the command, having printed its URL, has sent a request since (it is in
    its wait loop); an event seen in the emulator's counts, not a guess at how long it takes."""
    seen = emulator.stats()["total"]
    deadline = time.monotonic() + 30
    while emulator.stats()["total"] == seen:
        assert process.poll() is None, "the command ended before it waited"
        assert time.monotonic() < deadline, "the command sent no request while waiting"
        time.sleep(0.01)


def _read_url(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.startswith("http"), line
    return line


def test_connect_native_prints_the_url_waits_for_consent_and_names_the_connection(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, NATIVE, WAREHOUSE, assignment("Triage", ["AP inbox", "Warehouse"]))
    assert run(emulator, "apply", "--auto-approve", str(root), env={TOKEN_ENV: "t"}).exit_code == 0

    process = _connect_in_background(emulator, root, "AP inbox")
    url = _read_url(process)
    assert "/_emulator/oauth/authorize" in url
    _polling(emulator, process)  # the connection is not there yet
    assert "AP inbox" not in connections(emulator)
    emulator.complete_oauth(url)  # the person consents
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.startswith('Connected "AP inbox" (connection ')
    assert "renamed it from" in out
    assert "Open this URL in a browser" in err
    live = connections(emulator)["AP inbox"]
    assert (live["type"], live["auth_method"]) == ("gmail", "oauth")

    # The next apply wires the pending connection; then there is nothing left to do.
    plan = run(emulator, "plan", str(root))
    assert "~ Assignment/Triage will be updated in place" in plan.stdout
    assert "0 to authorize" in plan.stdout
    assert run(emulator, "apply", "--auto-approve", str(root)).exit_code == 0
    assert live["id"] in _pins(emulator)
    again = run(emulator, "plan", "--detailed-exitcode", str(root))
    assert again.exit_code == 0, again.stdout


def test_connect_mcp_oauth_opens_the_browser_only_when_asked_and_shares_it(
    emulator: EmulatorControl, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(work, MCP)
    opened: list[str] = []

    def browser(url: str, *args: Any, **kwargs: Any) -> bool:
        opened.append(url)
        emulator.complete_oauth(url)  # the person consents in the browser that opened
        return True

    monkeypatch.setattr(webbrowser, "open", browser)
    result = run(emulator, "connect", "CRM", str(root), *FAST, "--open")
    assert result.exit_code == 0, result.output
    (url,) = opened
    assert result.stdout.splitlines()[0] == url
    assert "shared it with the team" in result.stdout
    live = connections(emulator)["CRM"]
    assert (live["type"], live["server_url"]) == ("hubspot", "https://crm.mcp.example.com/mcp")
    assert live["shared"] in (1, True)
    assert run(emulator, "plan", "--detailed-exitcode", str(root)).exit_code == 0

    opened.clear()
    already = run(emulator, "connect", "CRM", str(root), "--open")
    assert already.exit_code == 0
    assert "is already connected" in already.stdout
    assert opened == []


def test_connect_without_open_never_opens_a_browser(
    emulator: EmulatorControl, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write(work, NATIVE)
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: pytest.fail("a browser was opened"))
    result = run(emulator, "connect", "AP inbox", str(root), "--timeout", "0.2")
    assert result.exit_code == 1
    assert "gave up after 0.2 s" in result.stderr
    assert "it appears by itself" in result.stderr
    assert "Traceback" not in result.output


def test_a_composio_connect_that_gives_up_says_only_connect_can_finish_it(
    emulator: EmulatorControl, work: Path
) -> None:
    # Consent alone never makes a Composio connection: only connect's finalize does.
    root = write(work, COMPOSIO)
    result = run(emulator, "connect", "Slack finance", str(root), "--timeout", "0.2")
    assert result.exit_code == 1
    assert "A Composio connection is made only when connect finalizes it" in result.stderr
    assert "by itself" not in result.stderr


def test_connect_composio_finalizes_after_consent(emulator: EmulatorControl, work: Path) -> None:
    root = write(work, COMPOSIO, assignment("Notify", ["Slack finance"]))
    process = _connect_in_background(emulator, root, "Slack finance")
    url = _read_url(process)
    _polling(emulator, process)  # finalize is refused until the account is authorized
    emulator.complete_oauth(url)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    live = connections(emulator)["Slack finance"]
    assert (live["type"], live["provider"]) == ("slack", "composio")
    assert run(emulator, "apply", "--auto-approve", str(root)).exit_code == 0
    assert live["id"] in _pins(emulator)
    assert run(emulator, "plan", "--detailed-exitcode", str(root)).exit_code == 0


def test_connect_composio_refused_consent_is_an_error(
    emulator: EmulatorControl, work: Path
) -> None:
    root = write(work, COMPOSIO)
    process = _connect_in_background(emulator, root, "Slack finance")
    url = _read_url(process)
    with emulator.client() as http:
        state = url.split("state=")[1]
        assert http.get("/_emulator/oauth/deny", params={"state": state}).status_code == 200
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "was not authorized" in err
    assert "Traceback" not in err
    assert "Slack finance" not in connections(emulator)


def test_ctrl_c_while_waiting_stops_cleanly(emulator: EmulatorControl, work: Path) -> None:
    root = write(work, NATIVE)
    process = _connect_in_background(emulator, root, "AP inbox")
    _read_url(process)
    _polling(emulator, process)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Stopped waiting" in err
    assert "it appears by itself" in err
    assert "Traceback" not in err
    assert connections(emulator) == {}


def test_connect_an_mcp_server_without_client_registration_fails_before_any_url(
    emulator: EmulatorControl, work: Path
) -> None:
    flow = {"flow": "mcp", "server_url": "https://nodcr.example.com/mcp"}
    root = write(work, oauth("Legacy", flow))
    result = run(emulator, "connect", "Legacy", str(root))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "does not support OAuth dynamic client registration" in result.stderr
    assert emulator.state()["oauth_flows"] == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Warehouse", "is a custom MCP connection: duvoform apply creates it"),
        ("AP inbx", 'no Connection "AP inbx" in the manifests; did you mean "AP inbox"?'),
    ],
)
def test_connect_needs_an_oauth_connection_manifest(
    emulator: EmulatorControl, work: Path, name: str, message: str
) -> None:
    root = write(work, NATIVE, WAREHOUSE)
    emulator.clear_stats()
    result = run(emulator, "connect", name, str(root))
    assert result.exit_code == 2
    assert message in result.stderr
    assert emulator.stats()["total"] == 0


def test_a_live_connection_of_another_type_is_a_warning_not_a_change(
    emulator: EmulatorControl, work: Path
) -> None:
    emulator.seed({"connections": [{"name": "AP inbox", "type": "outlook", "provider": "oauth"}]})
    root = write(work, NATIVE)
    plan = run(emulator, "plan", "--detailed-exitcode", str(root))
    assert plan.exit_code == 0
    assert 'is of type "outlook", but the manifest describes a native OAuth' in plan.stdout
    result = run(emulator, "connect", "AP inbox", str(root))
    assert result.exit_code == 1
    assert 'is of type "outlook", not "gmail"' in result.stderr


def test_connect_finds_a_connection_under_a_previous_name_and_renames_it(
    emulator: EmulatorControl, work: Path
) -> None:
    emulator.seed({"connections": [{"name": "Mail", "type": "gmail", "provider": "oauth"}]})
    doc = NATIVE.replace(
        'metadata: {name: "AP inbox"}', 'metadata: {name: "AP inbox", previous_names: [Mail]}'
    )
    root = write(work, doc)
    result = run(emulator, "connect", "AP inbox", str(root))
    assert result.exit_code == 0, result.output
    assert "is already connected" in result.stdout
    assert 'renamed it from "Mail"' in result.stdout
    assert set(connections(emulator)) == {"AP inbox"}
    assert emulator.state()["oauth_flows"] == []


def test_the_embedded_local_api_consents_by_itself(work: Path) -> None:
    root = write(work, NATIVE, MCP, COMPOSIO)

    def local(*args: str) -> Result:
        return CliRunner().invoke(
            cli, ["--api-url", "local", *args], env={"NO_COLOR": "1"}, catch_exceptions=False
        )

    for name in ("AP inbox", "CRM", "Slack finance"):
        result = local("connect", name, str(root), "--poll-interval", "0.05", "--timeout", "20")
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0].startswith("http://duvo.local/_emulator/oauth/")
        assert f'Connected "{name}"' in result.stdout
        assert "stands in for the person" in result.stderr
    plan = local("plan", "--detailed-exitcode", str(root))
    assert plan.exit_code == 0, plan.stdout
