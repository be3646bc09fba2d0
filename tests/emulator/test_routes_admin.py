"""``/_emulator/state`` never shows a secret value unless the settings reveal them."""

from __future__ import annotations

from duvoform.emulator import EmulatorControl, EmulatorSettings, create_app, serve_in_thread
from duvoform.emulator.store import fingerprint_matches
from tests.emulator.util import create_connection


def _stored_secret(settings: EmulatorSettings) -> str:
    app = create_app(settings)
    try:
        with serve_in_thread(app) as url:
            control = EmulatorControl(url)
            with control.client() as api:
                create_connection(api)
            first = control.state()["connections"][0]["headers_secret"]
            again = control.state()["connections"][0]["headers_secret"]
            control.close()
    finally:
        app.state.emulator.store.close()
    assert first == again  # two reads of unchanged state compare equal
    (value,) = first.values()
    assert isinstance(value, str)
    return value


def test_state_shows_a_salted_fingerprint_by_default() -> None:
    shown = _stored_secret(EmulatorSettings())
    assert "s3cret" not in shown
    assert fingerprint_matches(shown, "Bearer s3cret")


def test_state_shows_the_value_when_the_settings_reveal_it() -> None:
    assert _stored_secret(EmulatorSettings(reveal_secrets=True)) == "Bearer s3cret"


def test_state_shows_a_probes_headers_as_fingerprints() -> None:
    app = create_app(EmulatorSettings())
    try:
        with serve_in_thread(app) as url:
            control = EmulatorControl(url)
            with control.client() as api:
                answer = api.post(
                    "/v1/connections/mcp/probe",
                    json={
                        "server_url": "https://mcp.example.com/mcp",
                        "headers": {"Authorization": "Bearer pr0be"},
                    },
                )
                assert answer.status_code == 200, answer.text
            (probe,) = control.state()["probes"]
            control.close()
    finally:
        app.state.emulator.store.close()
    assert probe["server_url"] == "https://mcp.example.com/mcp"
    shown = probe["headers"]["Authorization"]
    assert "pr0be" not in shown
    assert fingerprint_matches(shown, "Bearer pr0be")
