"""Hostile text through every command: live names, manifest strings, API messages and URLs that
carry terminal escapes and CI log commands never reach stdout, stderr or the journal raw.

The emulator is seeded (through its API) with folders and assignments named to attack a
terminal or a CI log, the manifests hold such strings too, and its fault injection answers with
hostile error messages and a hostile authorization URL. Every run's stdout and stderr, and every
journal line, must hold no raw control character (tab and line feed aside) and no line that a
CI runner reads as a command.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import AT_A_TERMINAL, subprocess_env

HOSTILE = [
    "x\n::error title=x::y",
    "\x1b]52;c;Zm9v\x07",
    "carriage\rreturn",
    "\u202eevil",
    "##vso[task.setvariable]x",
    "section_start:1:x",
    "  ::warning::indented\u2028##[error]sep",
]
MESSAGE = "boom\n::error title=Security review::Plan approved\x1b]52;c;Zm9v\x07\r##vso[x]\u202e"

# Names the API stores but a manifest may also declare (one printable line each).
NAMES = ["::error title=x::y", "##vso[task.setvariable]x", "section_start:1:x", "##[group]g"]

_RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_COMMAND = re.compile(r"\s*(::|##\[|section_start:|section_end:)")


def assert_inert(text: str, where: str) -> None:
    """No raw control character and no CI log command in ``text``."""
    raw = _RAW.search(text)
    assert raw is None, f"{where}: raw {raw.group()!r} in {text[max(raw.start() - 60, 0) :]!r}"
    assert "##vso[" not in text, f"{where}: ##vso[ in {text!r}"
    for line in re.split(r"[\r\n]", text):
        assert not _COMMAND.match(line), f"{where}: a line starts a CI command: {line!r}"


def _quoted(text: str) -> str:
    return json.dumps(text)  # a YAML double-quoted scalar takes JSON's escapes


_SOP = "Do the work.\n" + "\n".join(HOSTILE)
_TEMPLATE = "{{ " + json.dumps(HOSTILE[0]) + " ~ nope }}"

MANIFESTS = f"""\
apiVersion: duvoform/v1
kind: Folder
metadata: {{name: {_quoted(NAMES[1])}}}
spec: {{}}
---
apiVersion: duvoform/v1
kind: Assignment
metadata:    {{name: {_quoted(NAMES[2])}}}
spec:
  folder: {_quoted(NAMES[1])}
  build:
    model: claude-sonnet-4-6
    sop: {_quoted(_SOP)}
---
apiVersion: duvoform/v1
kind: Assignment
metadata: {{name: {_quoted(NAMES[0])}}}
spec:
  build: {{model: claude-sonnet-4-6, sop: {_quoted(NAMES[3] + " first line")}}}
"""

BROKEN = f"""\
apiVersion: duvoform/v1
kind: Assignment
metadata: {{name: {_quoted(HOSTILE[0])}}}
spec:
  {_quoted(HOSTILE[1] + HOSTILE[6])}: 1
  build: {{model: {_quoted(HOSTILE[2])}, sop: x}}
---
apiVersion: duvoform/v1
kind: Folder
metadata: {{name: {_quoted(_TEMPLATE)}}}
spec: {{}}
"""

CONNECTION = """\
apiVersion: duvoform/v1
kind: Connection
metadata: {name: CRM}
spec: {oauth: {flow: native, provider: gmail}}
"""

REFUSED = """\
apiVersion: duvoform/v1
kind: Folder
metadata: {name: Old}
spec: {ensure: absent}
"""


class Runs:
    """Runs the CLI against the emulator and checks every output for hostile text."""

    def __init__(self, emulator: EmulatorControl, work: Path) -> None:
        self.emulator = emulator
        self.work = work
        self.count = 0

    def __call__(self, *args: str, code: int | None = 0, stdin: str | None = None) -> Result:
        env = {"DUVO_API_KEY": self.emulator.api_key, "NO_COLOR": "1", "GITHUB_ACTIONS": "true"}
        result = CliRunner().invoke(
            cli, ["--api-url", self.emulator.base_url, *args], env=env, input=stdin
        )
        where = " ".join(args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert "Traceback" not in result.output, where
        if code is not None:
            assert result.exit_code == code, f"{where}: {result.exit_code}\n{result.output}"
        assert_inert(result.stdout, f"{where} (stdout)")
        assert_inert(result.stderr, f"{where} (stderr)")
        self.count += 1
        return result

    def journals(self) -> list[Path]:
        return sorted((self.work / ".duvoform" / "journal").glob("*.jsonl"))


@pytest.fixture
def runs(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Runs]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    emulator.set_rate_limit(100_000, 60)
    seeded = emulator.seed(
        {
            "folders": [{"name": "Old"}, *({"name": name} for name in HOSTILE)],
            "agents": [{"name": name, "folder": "Old"} for name in HOSTILE],
        }
    )
    assert len(seeded["agents"]) == len(HOSTILE)
    runner = Runs(emulator, tmp_path)
    yield runner
    for journal in runner.journals():
        text = journal.read_text("utf-8")
        assert_inert(text, journal.name)
        for line in text.splitlines():
            json.loads(line)  # still one valid JSON document a line


def _write(work: Path, folder: str, text: str) -> str:
    (work / folder).mkdir(exist_ok=True)
    (work / folder / "team.yaml").write_text(text, "utf-8")
    return str(work / folder)


def test_every_command_keeps_hostile_text_inert(runs: Runs, emulator: EmulatorControl) -> None:
    team = _write(runs.work, "m", MANIFESTS)
    runs("validate", team)
    for fmt in ("text", "json", "markdown"):
        result = runs("plan", "--format", fmt, team, code=None)
        assert result.exit_code in (0, 2), result.output
        if fmt == "json":
            json.loads(result.stdout)  # still valid JSON
    runs("plan", "--out", "plan.json", team)
    runs("apply", "--auto-approve", "plan.json")
    assert runs.journals(), "apply wrote a journal"
    runs("apply", "--auto-approve", "--format", "json", team)
    # the live SOP changes: the plan shows the hostile lines it removes
    _write(runs.work, "m", MANIFESTS.replace("Do the work.", "Do other work."))
    for fmt in ("text", "json", "markdown"):
        runs("plan", "--format", fmt, team, code=None)
    for fmt in ("text", "json", "markdown"):
        runs("drift", "--format", fmt, team, code=None)
    runs("drift", "--fail-on-unmanaged", team, code=None)
    for name in NAMES[:3]:
        kind = "Folder" if name == NAMES[1] else "Assignment"
        for fmt in ("text", "json", "yaml"):
            runs("show", f"{kind}/{name}", "--format", fmt, team, code=None)
    live = emulator.state()["agents"]
    for row in live:
        runs("show", f"Assignment/{row['id']}", code=None)
        runs("show", f"Assignment/{row['name']}", code=None)
    for fmt in ("mermaid", "dot"):
        runs("graph", "--format", fmt, team)
        runs("graph", "--format", fmt, "--plan", team, code=None)
    runs("import", "--out", str(runs.work / "imported"), code=None)
    runs("fmt", "--check", "--diff", team, code=None)
    runs("fmt", "--check", str(runs.work / "imported"), code=None)
    assert runs.count > 30


def test_error_paths_keep_hostile_text_inert(runs: Runs, emulator: EmulatorControl) -> None:
    broken = _write(runs.work, "broken", BROKEN)
    runs("validate", broken, code=1)
    runs("plan", broken, code=1)
    runs("fmt", "--check", broken, code=None)

    refused = _write(runs.work, "refused", REFUSED)  # Old still holds the hostile assignments
    for fmt in ("text", "json", "markdown"):
        result = runs("plan", "--format", fmt, refused, code=1)
        assert "--allow-nonempty-folder-delete" in result.stderr
    runs("apply", "--auto-approve", refused, code=1)

    team = _write(runs.work, "m", MANIFESTS)
    hostile_error = {"error_rate": 1.0, "error_message": MESSAGE}
    emulator.set_faults(**hostile_error, error_statuses=[400], routes=["POST /v1/agents"])
    result = runs("apply", "--auto-approve", team, code=None)
    assert result.exit_code != 0
    assert "boom" in result.output
    emulator.set_faults(**hostile_error, error_statuses=[409], routes=["GET /v1/agents"])
    runs("plan", team, code=1)
    runs("drift", team, code=None)
    runs("show", f"Assignment/{NAMES[0]}", code=None)
    runs("import", "--out", str(runs.work / "imported"), code=None)
    emulator.set_faults(**hostile_error, error_statuses=[503], routes=["GET /v1/agent-folders"])
    runs("plan", team, code=1)
    # an apply cut off half-way: every create's answer is lost after it committed
    emulator.set_faults(drop_after_commit_rate=1.0, routes=["POST /v1/agents"])
    runs("apply", "--auto-approve", team, code=None)
    emulator.set_faults()
    runs("apply", "--auto-approve", team, code=None)
    assert runs.journals()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://evil.example/consent",
        "https://consent.example/\n::error title=x::y\x1b]52;c;Zm9v\x07",
        "\u202ehttps://consent.example/",
    ],
)
def test_connect_open_refuses_what_is_not_https(
    runs: Runs, emulator: EmulatorControl, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda u, *a, **k: bool(opened.append(u)))
    root = _write(runs.work, "c", CONNECTION)
    emulator.set_faults(oauth_url=url)
    result = runs("connect", "CRM", root, "--open", "--timeout", "0", code=1)
    assert opened == []
    assert "--open refused the authorization URL" in result.stderr
    without = runs("connect", "CRM", root, "--timeout", "0", code=1)  # printed, escaped
    assert without.stdout.strip()
    assert result.stdout == without.stdout  # refused, it is still printed whole to open by hand


def test_connect_open_opens_an_https_url(
    runs: Runs, emulator: EmulatorControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda u, *a, **k: bool(opened.append(u)))
    root = _write(runs.work, "c", CONNECTION)
    emulator.set_faults(oauth_url="https://consent.example/authorize?state=s")
    runs("connect", "CRM", root, "--open", "--timeout", "0", code=1)  # nobody consents
    assert opened == ["https://consent.example/authorize?state=s"]


def _journal_events(runs: Runs) -> list[dict[str, Any]]:
    return [json.loads(line) for p in runs.journals() for line in p.read_text().splitlines()]


def test_an_interrupted_apply_keeps_hostile_text_inert(
    runs: Runs, emulator: EmulatorControl
) -> None:
    team = _write(runs.work, "m", MANIFESTS)
    emulator.set_faults(latency_ms=1000, methods=["POST"])  # writes stay in flight a while
    process = subprocess.Popen(
        [*AT_A_TERMINAL, "apply", "--auto-approve", team],
        cwd=runs.work,
        env={**subprocess_env(emulator), "GITHUB_ACTIONS": "true"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not any(e["event"] == "step_start" for e in _journal_events(runs)):
            assert process.poll() is None, "apply ended before it could be interrupted"
            assert time.monotonic() < deadline, "apply never started a step"
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    emulator.set_faults()
    assert process.returncode == 130, stderr
    assert "Interrupted: apply stopped part-way" in stderr
    assert "Traceback" not in stderr
    assert_inert(stdout, "interrupted apply (stdout)")
    assert_inert(stderr, "interrupted apply (stderr)")
    assert _journal_events(runs)[-1]["event"] == "run_interrupted"
