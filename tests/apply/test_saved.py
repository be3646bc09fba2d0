"""Saved plans as an attacker would hand them over, applied by the real CLI to the emulator.

A plan file is an artifact that travelled between CI jobs: edited (its plain checksum
recomputed), made with another API key, made before the manifests changed, or made elsewhere.
Each is refused before any write, and nothing it names is read or sent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from duvoform.emulator import EmulatorControl
from duvoform.engine.planfile import PLAN_KEY_ENV, plan_file_text
from tests.e2e.helpers import TOKEN, invoke, write_team

ATTACKER = "https://attacker.example/mcp"
WAREHOUSE = "https://mcp.example.com/warehouse"
OUTSIDE = "outside-canary-4b1e-never-sent"


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: EmulatorControl) -> Path:
    """The e2e team under ``tmp_path/manifests``, ``tmp_path`` the working directory, and its
    plan saved to ``plan.json``."""
    monkeypatch.chdir(tmp_path)
    emulator.set_rate_limit(100_000, 60)
    manifests = write_team(tmp_path)
    made = invoke(emulator, "plan", "manifests", "--out", "plan.json")
    assert made.exit_code == 0, made.output
    return manifests


def _forge(value: Any, marker: dict[str, str]) -> Any:
    """``value`` with every secret marker pointed at ``marker`` and the server URL at ours."""
    if isinstance(value, dict):
        if "$secret" in value:
            return {"$secret": marker}
        return {key: _forge(item, marker) for key, item in value.items()}
    if isinstance(value, list):
        return [_forge(item, marker) for item in value]
    return ATTACKER if value == WAREHOUSE else value


def _write_forged(marker: dict[str, str], **changes: Any) -> None:
    doc = json.loads(Path("plan.json").read_text())
    doc = {**_forge(doc, marker), **changes}
    Path("plan.json").write_text(plan_file_text(doc))  # the plain checksum, recomputed


def _nothing_sent(emulator: EmulatorControl, *never: str) -> None:
    assert emulator.stats()["writes"] == 0
    state = json.dumps(emulator.state())
    for text in (ATTACKER, *never):
        assert text not in state


@pytest.mark.parametrize(
    "marker",
    [{"file": "etc/passwd"}, {"env": "DUVO_API_KEY"}, {"file": "outside.txt"}],
    ids=["etc-passwd", "api-key", "file-outside"],
)
def test_a_forged_plan_file_reads_nothing_outside_the_manifests_and_sends_nothing(
    emulator: EmulatorControl, team: Path, tmp_path: Path, marker: dict[str, str]
) -> None:
    (tmp_path / "outside.txt").write_text(OUTSIDE)  # beside the manifest root, not inside it
    never = (OUTSIDE, "root:x:0:0", emulator.api_key)
    _write_forged(marker, manifest_root="/")
    emulator.clear_stats()
    refused = invoke(emulator, "apply", "plan.json")
    assert refused.exit_code == 1, refused.output
    assert 'names the manifest root "/", which is not inside' in refused.stderr
    assert emulator.stats()["total"] == 0  # refused before any request
    _nothing_sent(emulator, *never)

    # The root left as planned: the manifests load, and the file's steps are not theirs.
    made = invoke(emulator, "plan", "manifests", "--out", "plan.json")
    assert made.exit_code == 0, made.output
    _write_forged(marker)
    emulator.clear_stats()
    refused = invoke(emulator, "apply", "plan.json")
    assert refused.exit_code == 1, refused.output
    assert "does not hold the plan its manifests make" in refused.stderr
    _nothing_sent(emulator, *never)
    for text in never:
        assert text not in refused.output


def test_a_forged_root_that_climbs_out_of_the_working_directory_is_refused(
    emulator: EmulatorControl, team: Path, tmp_path: Path
) -> None:
    (tmp_path / "link").symlink_to(tmp_path.parent, target_is_directory=True)
    emulator.clear_stats()
    for root in ("..", "manifests/../..", "/tmp", "link", "manifests\\..\\.."):
        _write_forged({"env": "E2E_WAREHOUSE_TOKEN"}, manifest_root=root)
        refused = invoke(emulator, "apply", "plan.json")
        assert refused.exit_code == 1, refused.output
        assert "apply PLANFILE PATH" in refused.stderr
    assert emulator.stats()["total"] == 0


@pytest.mark.parametrize("team_name", ["other", "local"], ids=["another-team", "same-team"])
def test_a_plan_applied_with_another_key_writes_nothing_and_says_why(
    emulator: EmulatorControl, team: Path, team_name: str
) -> None:
    other = f"dv_second_key_for_{team_name}"
    emulator.add_key(other, team=team_name)
    emulator.clear_stats()
    refused = invoke(emulator, "apply", "plan.json", DUVO_API_KEY=other)
    assert refused.exit_code == 1, refused.output
    assert "was made with another API key (another team?)" in refused.stderr
    assert "stale" not in refused.stderr
    assert emulator.stats()["total"] == 0
    assert other not in Path("plan.json").read_text()
    assert emulator.api_key not in Path("plan.json").read_text()


def test_a_plan_applied_after_a_manifest_changed_writes_nothing(
    emulator: EmulatorControl, team: Path
) -> None:
    text = (team / "team.yaml").read_text()
    (team / "team.yaml").write_text(text.replace("Look vendors up", "Look vendors up twice"))
    emulator.clear_stats()
    refused = invoke(emulator, "apply", "plan.json")
    assert refused.exit_code == 1, refused.output
    assert "the manifests changed since the plan" in refused.stderr
    assert emulator.stats()["total"] == 0
    (team / "team.yaml").write_text(text)  # as planned again: it applies
    applied = invoke(emulator, "apply", "plan.json")
    assert applied.exit_code == 0, applied.output
    assert TOKEN in json.dumps(emulator.state())


def test_the_manifests_may_be_named_and_a_subset_planned_is_loaded_again(
    emulator: EmulatorControl, team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (team / "more.yaml").write_text(
        "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: Elsewhere}\nspec: {}\n"
    )
    made = invoke(emulator, "plan", "manifests/team.yaml", "--out", "plan.json")
    assert made.exit_code == 0, made.output
    assert json.loads(Path("plan.json").read_text())["manifest_paths"] == ["team.yaml"]
    # From a directory the root is not under: refused, until the manifests are named.
    monkeypatch.chdir(team)
    refused = invoke(emulator, "apply", "../plan.json")
    assert refused.exit_code == 1, refused.output
    assert "duvoform apply PLANFILE PATH" in refused.stderr
    assert emulator.stats()["writes"] == 0
    wrong = invoke(emulator, "apply", "../plan.json", ".")
    assert wrong.exit_code == 1
    assert "the manifests changed since the plan" in wrong.stderr
    applied = invoke(emulator, "apply", "../plan.json", "team.yaml")
    assert applied.exit_code == 0, applied.output
    assert "Elsewhere" not in json.dumps(emulator.state()["folders"])


def test_with_a_plan_key_only_files_signed_with_it_are_applied(
    emulator: EmulatorControl, team: Path
) -> None:
    unsigned = Path("plan.json").read_text()
    emulator.clear_stats()
    refused = invoke(emulator, "apply", "plan.json", **{PLAN_KEY_ENV: "k1"})
    assert refused.exit_code == 1
    assert f"is not signed, and {PLAN_KEY_ENV} is set" in refused.stderr

    made = invoke(emulator, "plan", "manifests", "--out", "plan.json", **{PLAN_KEY_ENV: "k1"})
    assert made.exit_code == 0, made.output
    signed = Path("plan.json").read_text()
    assert '"signature": "hmac-sha256:' in signed
    assert "k1" not in signed.replace('"signature"', "")
    doc = json.loads(signed)
    doc["targets"] = ["Folder/Finance"]
    for tampered in (
        plan_file_text(doc, plan_key="not-k1"),  # signed again with another key
        plan_file_text(doc),  # the signature dropped, the checksum recomputed
        signed.replace('"Finance"', '"Finance2"', 1),  # edited in place
    ):
        Path("plan.json").write_text(tampered)
        refused = invoke(emulator, "apply", "plan.json", **{PLAN_KEY_ENV: "k1"})
        assert refused.exit_code == 1, refused.output
        assert f"signed with {PLAN_KEY_ENV}" in refused.stderr or "not signed" in refused.stderr
    assert emulator.stats()["writes"] == 0

    Path("plan.json").write_text(unsigned)
    assert invoke(emulator, "apply", "plan.json", **{PLAN_KEY_ENV: "k2"}).exit_code == 1
    Path("plan.json").write_text(signed)
    applied = invoke(emulator, "apply", "plan.json", **{PLAN_KEY_ENV: "k1"})
    assert applied.exit_code == 0, applied.output
    again = invoke(emulator, "apply", "plan.json")  # no key: applied, with a warning
    assert again.exit_code == 0, again.output
    assert f"{PLAN_KEY_ENV} is not set: its signature was not checked" in again.stderr


@pytest.mark.parametrize(
    "changes",
    [
        {"manifest_root": "x" * 300},  # a name the system refuses (too long)
        {"manifest_root": "m\x1b]8;;https://attacker.example/\x07link\x1b]8;;\x07\r::x::"},
        {"api_key_fingerprint": "é" * 64},  # text compare_digest refuses as str
    ],
    ids=["long-name", "terminal-escapes", "non-ascii-fingerprint"],
)
def test_a_forged_field_is_a_clear_refusal_with_inert_text(
    emulator: EmulatorControl, team: Path, changes: dict[str, str]
) -> None:
    _write_forged({"env": "E2E_WAREHOUSE_TOKEN"}, **changes)
    emulator.clear_stats()
    refused = invoke(emulator, "apply", "plan.json")
    assert refused.exit_code == 1, refused.output
    assert refused.stderr.startswith("Error: ")
    assert "Traceback" not in refused.output + refused.stderr
    assert not any(ch in refused.stderr for ch in "\x1b\r")
    assert "\n::" not in refused.stderr
    assert emulator.stats()["writes"] == 0
