"""Persistence across restarts (``--db``), secrets at rest, and deterministic mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from duvoform.emulator import EmulatorControl, EmulatorSettings, create_app, serve_in_thread
from duvoform.emulator.store import Store, fingerprint, fingerprint_matches
from duvoform.errors import EmulatorError
from tests.emulator.util import create_agent, create_connection


def test_state_survives_a_restart_with_a_db_file(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite"
    settings = EmulatorSettings(db=db)
    app = create_app(settings)
    with serve_in_thread(app) as url:
        control = EmulatorControl(url)
        with control.client() as api:
            agent = create_agent(api)["agent"]
            api.post(f"/v1/agents/{agent['id']}/revisions", json={"name": "second"})
            conn = create_connection(api)
        control.close()
    app.state.emulator.store.close()

    again = create_app(settings)
    with serve_in_thread(again) as url:
        control = EmulatorControl(url)
        with control.client() as api:
            fetched = api.get(f"/v1/agents/{agent['id']}").json()["agent"]
            assert fetched["name"] == agent["name"]
            assert fetched["latest_build"]["revision_number"] == 2
            third = api.post(f"/v1/agents/{agent['id']}/revisions", json={"name": "third"}).json()
            assert third["build"]["revision_number"] == 3
            assert fetched["latest_build"]["created_at"] < third["build"]["created_at"]
            creds = api.get(f"/v1/connections/{conn['id']}/credentials").json()
            assert creds["headers"] == {"Authorization": "", "X-Org": "acme"}
            kept = api.patch(
                f"/v1/connections/{conn['id']}", json={"headers": {"secret": {"Authorization": ""}}}
            )
            assert kept.status_code == 200
        control.close()
    again.state.emulator.store.close()


def test_a_db_file_never_holds_a_secret(tmp_path: Path) -> None:
    db = tmp_path / "emulator.sqlite"
    app = create_app(EmulatorSettings(db=db))
    with serve_in_thread(app) as url:
        control = EmulatorControl(url)
        with control.client() as api:
            create_connection(api)
        stored = control.state()["connections"][0]["headers_secret"]
        control.close()
    app.state.emulator.store.close()
    assert set(stored) == {"Authorization"}
    assert fingerprint_matches(stored["Authorization"], "Bearer s3cret")
    assert not fingerprint_matches(stored["Authorization"], "Bearer other")
    assert "s3cret" not in stored["Authorization"]
    assert fingerprint("Bearer s3cret") != fingerprint("Bearer s3cret")  # salted per value
    for path in tmp_path.iterdir():
        assert b"s3cret" not in path.read_bytes()


def test_deterministic_ids_continue_after_a_restart(tmp_path: Path) -> None:
    settings = EmulatorSettings(db=tmp_path / "e.sqlite", deterministic=True)
    seen = []
    for _ in range(2):
        store = Store(settings.db, deterministic=True)
        with store.tx() as db:
            seen.append((db.ids.new_id(), db.ids.now()))
        store.close()
    assert seen[0][0] != seen[1][0]
    assert seen[0][1] < seen[1][1]


def test_deterministic_mode_repeats_bodies(deterministic_emulator: EmulatorControl) -> None:
    def run() -> list[object]:
        deterministic_emulator.reset()
        with deterministic_emulator.client() as api:
            created = create_agent(api)
            listed = api.get("/v1/agents").json()
        return [created, listed]

    first = run()
    assert first == run()
    agent = first[0]["agent"]  # type: ignore[index]
    assert agent["created_at"].startswith("2026-01-01T00:00:")


def test_real_clock_timestamps_strictly_increase(emulator: EmulatorControl) -> None:
    emulator.seed({"agents": [{"name": f"a{i}"} for i in range(200)]})
    stamps = [row["created_at"] for row in emulator.state()["agents"]]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)


def test_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "e.sqlite"
    Store(db, deterministic=False).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(EmulatorError, match="schema version 999"):
        Store(db, deterministic=False)


def test_an_unusable_db_path_is_an_emulator_error(tmp_path: Path) -> None:
    with pytest.raises(EmulatorError):
        Store(tmp_path / "missing-dir" / "e.sqlite", deterministic=False)


async def test_in_process_app_needs_no_lifespan(emulator_app: object) -> None:
    transport = httpx.ASGITransport(app=emulator_app)  # type: ignore[arg-type]
    headers = {"Authorization": "Bearer duvo-local-key"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://emulator", headers=headers
    ) as c:
        created = await c.post("/v1/agent-folders", json={"name": "In process"})
        assert created.status_code == 201
        listed = await c.get("/v1/agent-folders")
    assert [f["name"] for f in listed.json()["folders"]] == ["In process"]
    assert listed.headers["x-ratelimit-remaining"] == "298"
