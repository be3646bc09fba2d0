"""``App.client()``: the embedded emulator for ``local``, and key/URL checks for remote URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from duvoform.api import ClientSettings, open_client_at
from duvoform.app import App
from duvoform.emulator import EmulatorControl, EmulatorSettings, FaultSettings, create_app
from duvoform.errors import TransportError, UncertainWriteError, UsageError
from duvoform.local import LOCAL_DB_NAME, LocalTransport


async def test_local_needs_no_key_and_keeps_state_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DUVO_API_KEY", raising=False)
    app = App(api_url="local", state_dir=tmp_path / ".duvoform")
    async with app.client() as client:
        await client.create_folder({"name": "Finance"})
    assert (tmp_path / ".duvoform" / LOCAL_DB_NAME).is_file()
    async with app.client() as client:
        assert [f.name for f in await client.list_folders()] == ["Finance"]
        assert client.request_count == 1


async def test_remote_without_a_key_fails_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DUVO_API_KEY", raising=False)
    app = App(api_url="https://api.duvo.ai")
    with pytest.raises(UsageError, match="DUVO_API_KEY"):
        async with app.client():
            pass


async def test_plain_http_to_a_remote_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUVO_API_KEY", "dv_canary")
    with pytest.raises(UsageError, match="plain http") as info:
        async with App(api_url="http://api.example.com").client():
            pass
    assert "dv_canary" not in str(info.value)


async def test_key_file_and_url_reach_the_api(
    emulator: EmulatorControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUVO_API_KEY", "not-this-one")
    key_file = tmp_path / "key"
    key_file.write_text(emulator.api_key + "\n")
    app = App(api_url=emulator.base_url + "/v1/", api_key_file=key_file)
    async with app.client(concurrency=2) as client:
        assert await client.list_agents() == []
        assert client.transport.concurrency == 2


async def test_in_process_resets_look_like_broken_connections() -> None:
    faults = FaultSettings(reset_rate=1.0)
    app = create_app(EmulatorSettings(faults=faults))
    settings = ClientSettings(base_url="local", max_attempts=2, backoff_base=0.01)
    try:
        async with open_client_at(
            "http://duvo.local",
            settings,
            SecretStr("duvo-local-key"),
            transport=LocalTransport(app),
        ) as client:
            with pytest.raises(UncertainWriteError):
                await client.create_folder({"name": "Finance"})
            with pytest.raises(TransportError, match="broke while reading"):
                await client.list_folders()
            assert client.request_count == 3
    finally:
        app.state.emulator.store.close()
