"""Shell completion the way click tests it: the completion environment variables, through the
real CLI entry point. Addresses come from the manifests, offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from duvoform.cli import cli

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"


def complete(shell: str, words: str, cword: int | str) -> list[str]:
    env = {"_DUVOFORM_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = CliRunner().invoke(cli, [], env=env, prog_name="duvoform", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.fixture
def in_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)


@pytest.mark.usefixtures("in_examples")
def test_bash_completes_show_addresses_with_folder_paths() -> None:
    assert complete("bash", "duvoform show folder/fin", 2) == [
        "plain,Folder/Finance",
        "plain,Folder/Finance/Accounts Payable",
        "plain,Folder/Finance/Month-end",
        "plain,Folder/Finance/Reports",
    ]


@pytest.mark.usefixtures("in_examples")
def test_zsh_and_fish_complete_plan_targets() -> None:
    assert complete("zsh", "duvoform plan --target Connection/S", 3) == [
        "plain",
        "Connection/Slack finance",
        "_",
        "plain",
        "Connection/Snowflake finance",
        "_",
    ]
    assert complete("fish", "duvoform apply --target Assignment/Inv", "Assignment/Inv") == [
        "plain,Assignment/Invoice triage"
    ]


def test_manifests_that_do_not_load_still_offer_their_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "duvoform.yaml").write_text("apiVersion: duvoform/v1\n")
    (tmp_path / "a.yaml").write_text(
        "apiVersion: duvoform/v1\nkind: Assignment\nmetadata: {name: '{{ vars.missing }} bot'}\n"
        "spec: {folder: Nowhere, build: {model: m, sop: s}}\n"
    )
    monkeypatch.chdir(tmp_path)
    assert complete("bash", "duvoform show A", 2) == ["plain,Assignment/{{ vars.missing }} bot"]


def test_no_manifest_root_completes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    assert complete("bash", "duvoform show ", 2) == [""]  # bash's empty reply: no candidates


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_a_source_script(shell: str) -> None:
    env = {"_DUVOFORM_COMPLETE": f"{shell}_source"}
    result = CliRunner().invoke(cli, [], env=env, prog_name="duvoform", catch_exceptions=False)
    assert result.exit_code == 0
    assert "_DUVOFORM_COMPLETE" in result.stdout
