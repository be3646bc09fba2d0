"""Plan files: round trip, no secrets, clear errors, and freshness against the emulator."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from duvoform.emulator import EmulatorControl
from duvoform.engine.live import read_live_state
from duvoform.engine.planfile import (
    api_key_fingerprint,
    check_fresh,
    plan_file_document,
    read_plan_file,
    write_plan_file,
)
from duvoform.engine.planner import PlanResult, build_plan
from duvoform.errors import PlanFileError, PlanSignatureError
from duvoform.manifest import load_manifests
from tests.api.helpers import client_for
from tests.engine.helpers import converged_seed, desired_from, live_id, write
from tests.helpers import v2_config

CANARY = "canary-51d0-never-in-a-file"
FILES = {
    "folders.yaml": """
        apiVersion: duvoform/v1
        kind: Folder
        metadata: {name: Finance}
        ---
        apiVersion: duvoform/v1
        kind: Folder
        metadata: {name: Reports}
        spec: {parent: Finance}
        """,
    "agents.yaml": """
        apiVersion: duvoform/v1
        kind: Assignment
        metadata: {name: Cash report}
        spec:
          folder: Finance
          build: {model: claude-sonnet-4-6, sop: Report the cash position.}
        ---
        apiVersion: duvoform/v1
        kind: Assignment
        metadata: {name: Ledger}
        spec:
          build: {model: claude-sonnet-4-6, sop: Keep the ledger.}
        """,
    "connections.yaml": """
        apiVersion: duvoform/v1
        kind: Connection
        metadata: {name: Bank}
        spec:
          type: custom_mcp
          server_url: https://mcp.example.com/bank
          headers: {secret: {Authorization: {env: BANK_TOKEN}}}
        """,
}


async def _plan(emulator: EmulatorControl, root: Path) -> PlanResult:
    async with client_for(emulator) as client:
        return await build_plan(load_manifests([root]), client)


async def _fresh(emulator: EmulatorControl, path: Path) -> list[str]:
    async with client_for(emulator) as client:
        live = await read_live_state(client)
    return check_fresh(read_plan_file(path), live)


@pytest.fixture
def planned(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A team where Finance exists and Reports does not; the plan saved to a file."""
    monkeypatch.setenv("BANK_TOKEN", CANARY)
    root = write(tmp_path / "m", FILES)
    seed = converged_seed(desired_from(root))
    seed["folders"] = [f for f in seed["folders"] if f["name"] == "Finance"]
    seed["connections"] = []
    seed["agents"][1]["builds"][0]["config"]["data"]["input"] = "Old ledger text."
    emulator.seed(seed)
    return root, tmp_path / "out" / "plan.json"


async def test_a_plan_file_round_trips(
    emulator: EmulatorControl, planned: tuple[Path, Path]
) -> None:
    root, path = planned
    result = await _plan(emulator, root)
    write_plan_file(path, result, api_url="https://user:pw@api.duvo.ai/v1?key=x")
    doc = json.loads(path.read_text())
    assert doc["kind"] == "duvoform-plan"
    assert doc["format_version"] == 2
    assert doc["api_url"] == "https://api.duvo.ai/v1"
    assert doc["manifest_digest"] == result.manifest_digest
    assert {"kind": "Folder", "path": "Finance/Reports"} in doc["expected_absent"]
    back = read_plan_file(path)
    assert back.plan.to_json() == result.plan.to_json()
    assert back.steps == result.steps
    assert [c.steps for c in back.plan.changes] == [c.steps for c in result.plan.changes]
    assert back.ids == result.ids
    assert back.fingerprints == result.fingerprints
    assert back.digest == result.digest
    assert set(back.fingerprints) == {
        f"Folder/{live_id('Folder/Finance')}",
        f"Assignment/{live_id('Assignment/Cash report')}",
        f"Assignment/{live_id('Assignment/Ledger')}",
    }


async def test_a_plan_file_never_holds_a_secret_value(
    emulator: EmulatorControl, planned: tuple[Path, Path]
) -> None:
    root, path = planned
    write_plan_file(path, await _plan(emulator, root), api_url=emulator.base_url)
    text = path.read_text()
    assert CANARY not in text
    assert '"$secret": {\n' in text or '"$secret":' in text
    assert "BANK_TOKEN" in text


def test_unreadable_corrupt_and_foreign_files_are_clear_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(PlanFileError, match="cannot read the plan file"):
        read_plan_file(missing)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(PlanFileError, match="not valid JSON"):
        read_plan_file(bad)
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(PlanFileError, match="not a duvoform plan file"):
        read_plan_file(bad)
    bad.write_text(json.dumps({"format_version": 1, "summary": {}}))
    with pytest.raises(PlanFileError, match='expected "kind": "duvoform-plan"'):
        read_plan_file(bad)
    bad.write_text(json.dumps({"kind": "duvoform-plan", "format_version": 7}))
    with pytest.raises(PlanFileError, match="format version 7"):
        read_plan_file(bad)
    damaged = {"kind": "duvoform-plan", "format_version": 2, "steps": [{}]}
    bad.write_text(json.dumps(damaged))
    with pytest.raises(PlanFileError, match="was changed after plan wrote it"):
        read_plan_file(bad)
    body = json.dumps(damaged, indent=2, ensure_ascii=False)
    checksum = hashlib.sha256(body.encode()).hexdigest()
    bad.write_text(json.dumps({"checksum": checksum, **damaged}))
    with pytest.raises(PlanFileError, match="damaged"):
        read_plan_file(bad)


def test_an_edited_plan_file_is_refused(tmp_path: Path) -> None:
    from duvoform.engine.planner import plan_against
    from tests.engine.helpers import live_state

    root = write(
        tmp_path, {"f.yaml": "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: A}\n"}
    )
    path = tmp_path / "plan.json"
    write_plan_file(path, plan_against(desired_from(root), live_state()), api_url="local")
    assert read_plan_file(path).plan.changes
    text = path.read_text()
    assert text.startswith('{\n  "checksum": "')
    # Emptying what apply checks, or changing what it does, would make a stale or other plan.
    for edited in (
        text.replace('"fingerprints": {}', '"fingerprints": {"Folder/x": "0"}'),
        text.replace('"folder.create"', '"folder.delete"'),
        text.replace('"Folder/A"', '"Folder/B"'),
    ):
        assert edited != text
        path.write_text(edited)
        with pytest.raises(PlanFileError, match="was changed after plan wrote it"):
            read_plan_file(path)
    path.write_text(text)  # put back as written: read again
    assert read_plan_file(path).plan.changes


def test_the_document_names_its_creation_time(tmp_path: Path) -> None:
    from duvoform.engine.planner import plan_against
    from tests.engine.helpers import live_state

    root = write(
        tmp_path, {"f.yaml": "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: A}\n"}
    )
    result = plan_against(desired_from(root), live_state())
    doc = plan_file_document(result, api_url="local", created_at="2026-01-01T00:00:00Z")
    assert doc["created_at"] == "2026-01-01T00:00:00Z"
    assert doc["api_url"] == "local"
    assert [s["id"] for s in doc["steps"]] == ["Folder/A#1"]


async def test_an_untouched_team_is_fresh_and_unrelated_activity_does_not_matter(
    emulator: EmulatorControl, planned: tuple[Path, Path]
) -> None:
    root, path = planned
    write_plan_file(path, await _plan(emulator, root), api_url=emulator.base_url)
    assert await _fresh(emulator, path) == []
    with emulator.client() as http:
        cash = live_id("Assignment/Cash report")
        http.patch(f"/v1/agents/{cash}", json={"pinned": True}).raise_for_status()
        http.post("/v1/agent-folders", json={"name": "Elsewhere"}).raise_for_status()
        http.post(
            "/v1/agents",
            json={
                "name": "Unmanaged",
                "build": {"name": "x", "config": v2_config("Edited in the web app.")},
            },
        ).raise_for_status()
    assert await _fresh(emulator, path) == []


async def test_every_moved_object_is_named(
    emulator: EmulatorControl, planned: tuple[Path, Path]
) -> None:
    root, path = planned
    write_plan_file(path, await _plan(emulator, root), api_url=emulator.base_url)
    with emulator.client() as http:
        cash = live_id("Assignment/Cash report")
        ledger = live_id("Assignment/Ledger")
        http.patch(f"/v1/agents/{cash}", json={"slack_enabled": True}).raise_for_status()
        http.post(
            f"/v1/agents/{ledger}/revisions",
            json={"name": "web edit", "config": v2_config("Edited in the web app.")},
        ).raise_for_status()
        http.post(
            "/v1/agent-folders",
            json={"name": "Reports", "parent_folder_id": live_id("Folder/Finance")},
        ).raise_for_status()
        http.post(
            "/v1/connections",
            json={
                "name": "Bank",
                "provider": "user",
                "auth_method": "url",
                "server_url": "https://mcp.example.com/bank",
            },
        ).raise_for_status()
    assert await _fresh(emulator, path) == [
        "Assignment/Cash report: changed since the plan",
        "Assignment/Ledger: changed since the plan",
        "Folder/Finance/Reports: now exists",
        "Connection/Bank: now exists",
    ]
    with emulator.client() as http:
        http.delete(
            f"/v1/agent-folders/{live_id('Folder/Finance')}", params={"force": "true"}
        ).raise_for_status()
    assert "Folder/Finance: deleted since the plan" in await _fresh(emulator, path)


def test_a_plan_file_of_the_first_format_is_refused_saying_what_to_do(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"kind": "duvoform-plan", "format_version": 1, "steps": []}))
    with pytest.raises(PlanFileError, match="format version 1; this duvoform reads version 2"):
        read_plan_file(old)


def test_the_key_fingerprint_is_keyed_and_tells_nothing_of_the_key() -> None:
    key = "dv_live_0123456789abcdef"
    assert api_key_fingerprint(key) == api_key_fingerprint(key)
    assert api_key_fingerprint(key) != api_key_fingerprint(key + "x")
    assert key not in api_key_fingerprint(key)
    assert api_key_fingerprint(key) != hashlib.sha256(key.encode()).hexdigest()


def test_a_signed_file_reads_only_with_its_plan_key(tmp_path: Path) -> None:
    from duvoform.engine.planner import plan_against
    from tests.engine.helpers import live_state

    root = write(
        tmp_path, {"f.yaml": "apiVersion: duvoform/v1\nkind: Folder\nmetadata: {name: A}\n"}
    )
    path = tmp_path / "plan.json"
    result = plan_against(desired_from(root), live_state())
    write_plan_file(path, result, api_url="local", plan_key="k1")
    assert "k1" not in path.read_text().replace('"signature"', "")
    assert read_plan_file(path, plan_key="k1").signed
    assert read_plan_file(path).signed  # not checked without a key; the caller warns
    with pytest.raises(PlanSignatureError, match="not signed with DUVOFORM_PLAN_KEY"):
        read_plan_file(path, plan_key="k2")
    write_plan_file(path, result, api_url="local")
    assert not read_plan_file(path).signed
    with pytest.raises(PlanSignatureError, match="is not signed, and DUVOFORM_PLAN_KEY is set"):
        read_plan_file(path, plan_key="k1")
