"""``duvoform fmt`` through the real CLI: write, ``--check``, ``--diff``, bad input, and the
files ``import`` writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli
from duvoform.emulator import EmulatorControl
from tests.importer.team import invoke, seed_team

REPO = Path(__file__).parents[2]
EXAMPLES = REPO / "examples" / "manifests"

UNTIDY = """\
kind: Folder
apiVersion: duvoform/v1
metadata:
    name: Finance
"""
TIDY = """\
apiVersion: duvoform/v1
kind: Folder
metadata:
  name: Finance
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose manifest root ``m/`` holds one tidy and one untidy file."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "duvoform.yaml").write_text("apiVersion:   duvoform/v1\n")
    (tmp_path / "m" / "tidy.yaml").write_text(TIDY)
    (tmp_path / "m" / "untidy.yaml").write_text(UNTIDY)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "m"


def test_examples_are_formatted() -> None:
    assert run("fmt", "--check", str(EXAMPLES)) == (0, "", "")


def test_check_lists_the_files_and_writes_nothing(root: Path) -> None:
    assert run("fmt", "--check", "m") == (
        1,
        "m/untidy.yaml\n",
        "1 file would be reformatted (run duvoform fmt to fix).\n",
    )
    assert (root / "untidy.yaml").read_text() == UNTIDY


def test_fmt_rewrites_what_is_not_formatted_and_then_has_nothing_to_do(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root / "..")
    assert run("fmt", "m") == (0, "m/untidy.yaml\n", "")
    assert (root / "untidy.yaml").read_text() == TIDY
    assert (root / "duvoform.yaml").read_text() == "apiVersion:   duvoform/v1\n"  # not a manifest
    assert run("fmt", "m") == (0, "", "")
    assert run("fmt", "--check", "m/untidy.yaml") == (0, "", "")


def test_without_a_path_fmt_formats_the_manifest_root(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "sub").mkdir()
    monkeypatch.chdir(root / "sub")
    assert run("fmt") == (0, f"{root / 'untidy.yaml'}\n", "")  # shown as validate shows it


def test_diff_shows_each_change(root: Path) -> None:
    code, out, _ = run("fmt", "--check", "--diff", "m")
    assert code == 1
    assert out == (
        "--- m/untidy.yaml (current)\n"
        "+++ m/untidy.yaml (formatted)\n"
        "@@ -1,4 +1,4 @@\n"
        "+apiVersion: duvoform/v1\n"
        " kind: Folder\n"
        "-apiVersion: duvoform/v1\n"
        " metadata:\n"
        "-    name: Finance\n"
        "+  name: Finance\n"
    )
    assert (root / "untidy.yaml").read_text() == UNTIDY
    assert run("fmt", "--diff", "m")[1] == out  # without --check it writes, too
    assert (root / "untidy.yaml").read_text() == TIDY


def test_bad_files_are_all_reported_and_nothing_is_written(root: Path) -> None:
    (root / "bad.yaml").write_text("kind: [Folder\n")
    (root / "tabs.yaml").write_text("kind:\n\tname: x\n")
    code, out, err = run("fmt", "m")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "m/bad.yaml:2:1: YAML syntax error: did not find expected ',' or ']' (while parsing a "
        "flow sequence at line 1, column 7)",
        "m/tabs.yaml:2:1: a tab character cannot be used here; YAML indentation must use spaces",
        "2 problems found",
    ]
    assert (root / "untidy.yaml").read_text() == UNTIDY


def test_without_a_path_or_manifest_root_it_asks_for_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = run("fmt")
    assert code == 2
    assert "no PATH given, and no duvoform.yaml" in err


def test_control_characters_in_a_file_name_are_escaped(root: Path) -> None:
    (root / "untidy.yaml").rename(root / "un\x1b[31mtidy.yaml")
    assert run("fmt", "--check", "m")[1] == "m/un\\x1b[31mtidy.yaml\n"


def test_what_import_writes_is_formatted(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    seed_team(emulator)
    assert invoke(emulator, "import", "--out", "out").exit_code == 0
    result = invoke(emulator, "fmt", "--check", "out")
    assert (result.exit_code, result.output) == (0, "")
