"""Every message of issue 16, item 6, in plan's own words: through the real CLI, against the
emulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.e2e.helpers import invoke

KB = """\
apiVersion: duvoform/v1
kind: Connection
metadata: {name: KB}
spec:
  type: custom_mcp
  server_url: https://mcp.example.com/kb
  headers:
    secret: {Authorization: {env: E2E_WAREHOUSE_TOKEN}}
"""


def _assignment(name: str, connections: str = "[KB]", folder: str | None = None) -> str:
    where = f"  folder: {folder}\n" if folder else ""
    return f"""\
apiVersion: duvoform/v1
kind: Assignment
metadata: {{name: {name}}}
spec:
{where}  build: {{model: claude-sonnet-4-6, sop: {name} works., connections: {connections}}}
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "duvoform.yaml").write_text("apiVersion: duvoform/v1\n")
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    return tmp_path


def _write(root: Path, *documents: str) -> None:
    (root / "team.yaml").write_text("---\n".join(documents))


def _flat(text: str) -> str:
    return " ".join(text.split())


def _apply(emulator: EmulatorControl) -> None:
    applied = invoke(emulator, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output


def test_a_connection_delete_lists_every_assignment_pinned_to_it(
    emulator: EmulatorControl, root: Path
) -> None:
    names = [f"Desk {n}" for n in range(4)]
    _write(root, KB, *(_assignment(name) for name in names))
    _apply(emulator)
    # KB leaves the manifests (pruned), and every build stops listing it: the plan reads no
    # pins then, but the builds are still pinned to it until the apply.
    (root / "duvoform.yaml").write_text("apiVersion: duvoform/v1\nprune: {kinds: [Connection]}\n")
    _write(root, *(_assignment(name, "[]") for name in names))
    planned = invoke(emulator, "plan", "--prune")
    assert planned.exit_code == 0, planned.output
    assert "it is pinned to the live builds of: Desk 0, Desk 1, Desk 2, Desk 3" in _flat(
        planned.stdout
    )


def test_a_build_that_drops_a_connection_shows_it(emulator: EmulatorControl, root: Path) -> None:
    _write(root, KB, _assignment("Desk"))
    _apply(emulator)
    _write(root, KB, _assignment("Desk", "[]"))
    planned = invoke(emulator, "plan")
    text = _flat(planned.stdout)
    assert 'build.connections: ["KB"] -> []' in text
    assert "digest differs" not in text


def test_a_build_that_follows_a_renamed_connection_shows_it(
    emulator: EmulatorControl, root: Path
) -> None:
    _write(root, KB, _assignment("Desk"))
    _apply(emulator)
    renamed = KB.replace("{name: KB}", "{name: KB v2, previous_names: [KB]}")
    _write(root, renamed, _assignment("Desk", "[KB v2]"))
    planned = invoke(emulator, "plan")
    text = _flat(planned.stdout)
    assert 'build.connections: ["KB"] -> ["KB v2"]' in text
    assert "digest differs" not in text


def test_rotated_secrets_show_as_rotated(emulator: EmulatorControl, root: Path) -> None:
    _write(root, KB)
    _apply(emulator)
    planned = invoke(emulator, "plan", "--rotate-secrets")
    text = _flat(planned.stdout)
    assert "null ->" not in text
    assert (
        'headers.secret.Authorization: "(stored value, rotated)" -> {"env": "E2E_WAREHOUSE_TOKEN"}'
        in text
    )


def test_the_root_folder_shows_as_root(emulator: EmulatorControl, root: Path) -> None:
    folder = "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Finance}\n"
    _write(root, folder, _assignment("Desk", "[]"))
    _apply(emulator)
    _write(root, folder, _assignment("Desk", "[]", folder="Finance"))
    planned = invoke(emulator, "plan")
    assert 'folder: (root) -> "Finance"' in _flat(planned.stdout)


def test_a_long_url_keeps_its_whole_host(emulator: EmulatorControl, root: Path) -> None:
    host = "mcp-gateway." + "very-long-subdomain-" * 4 + "example.com"
    url = f"https://{host}/" + "path/" * 30 + "end"
    _write(root, KB.replace("https://mcp.example.com/kb", url))
    planned = invoke(emulator, "plan")
    assert f"https://{host}/" in planned.stdout


def test_could_not_connect_names_the_url(root: Path) -> None:
    _write(root, KB)
    # Port 9 (discard) on loopback: nothing listens there.
    result = CliRunner().invoke(
        cli, ["--api-url", "http://127.0.0.1:9", "plan"], env={"DUVO_API_KEY": "key"}
    )
    assert result.exit_code == 1
    text = _flat(result.output)
    # the words depend on how the refusal shows (refused, reset, timed out): the URL must be named
    assert "http://127.0.0.1:9" in text, text
    # an exit, not an unhandled exception (the captured stream may also hold log lines of an
    # in-process emulator another test left running, so the text is not searched for one)
    assert isinstance(result.exception, SystemExit), result.exception


def test_persistent_503s_give_one_plain_note(emulator: EmulatorControl, root: Path) -> None:
    _write(root, "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Finance}\n")
    emulator.set_faults(error_rate=1.0, error_statuses=[503], routes=["POST /v1/agent-folders"])
    applied = invoke(emulator, "apply", "--auto-approve")
    assert applied.exit_code == 1
    text = _flat(applied.stdout)
    assert text.count("503") == 1
    assert "Notes:" not in text
    assert "none of which made it" not in text
    assert "it may or may not exist. Run duvoform plan" in text
