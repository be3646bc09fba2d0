"""The emulator's front door: Host and Origin checks, the body limit and the nesting limit."""

from __future__ import annotations

import httpx
import pytest

from duvoform.emulator import EmulatorControl
from duvoform.emulator.guard import MAX_BODY, MAX_NESTING, nesting_depth

KEY = {"Authorization": "Bearer duvo-local-key"}


def test_a_body_past_the_limit_is_413_and_nothing_is_written(emulator: EmulatorControl) -> None:
    emulator.clear_stats()
    body = b'{"name": "' + b"x" * MAX_BODY + b'"}'
    response = httpx.post(f"{emulator.base_url}/v1/agent-folders", content=body, headers=KEY)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"

    def chunks():  # no content-length: the limit still holds while the body streams in
        for _ in range(40):
            yield b"x" * 50_000

    response = httpx.post(f"{emulator.base_url}/v1/agent-folders", content=chunks(), headers=KEY)
    assert response.status_code == 413
    assert emulator.stats()["writes"] == 0


def test_json_nested_too_deep_is_400_not_500(emulator: EmulatorControl) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    response = httpx.post(f"{emulator.base_url}/v1/agent-folders", content=body, headers=KEY)
    assert response.status_code == 400
    assert f"nested more than {MAX_NESTING} deep" in response.json()["message"]
    response = httpx.post(f"{emulator.base_url}/_emulator/seed", content=body, headers=KEY)
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["evil.example", "rebind.attacker.test:8080", "10.1.2.3"])
def test_a_foreign_host_is_refused(emulator: EmulatorControl, host: str) -> None:
    response = httpx.get(f"{emulator.base_url}/v1/agents", headers={**KEY, "Host": host})
    assert response.status_code == 421


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost.evil.test"])
def test_a_foreign_origin_is_refused_even_on_control_routes(
    emulator: EmulatorControl, origin: str
) -> None:
    emulator.clear_stats()
    for path in ("/_emulator/reset", "/v1/agent-folders"):
        response = httpx.post(
            f"{emulator.base_url}{path}",
            content=b'{"name": "x"}',
            headers={**KEY, "Origin": origin, "Content-Type": "text/plain"},
        )
        assert response.status_code == 403
    assert emulator.stats()["writes"] == 0


def test_a_local_origin_and_host_are_served(emulator: EmulatorControl) -> None:
    port = emulator.base_url.rsplit(":", 1)[1]
    response = httpx.get(
        f"{emulator.base_url}/v1/agents",
        headers={**KEY, "Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"},
    )
    assert response.status_code == 200


def test_nesting_depth_skips_strings() -> None:
    assert nesting_depth(b'{"a": "[[[[[[", "b": [[1]]}', 10) == 3
    assert nesting_depth(b'["\\"[[[["]', 10) == 1


def test_control_routes_need_the_admin_token_when_one_is_set() -> None:
    from duvoform.emulator import EmulatorSettings, create_app
    from duvoform.emulator.server import serve_in_thread

    app = create_app(EmulatorSettings(admin_token="t0ken-for-tests"))
    with serve_in_thread(app) as url:
        for path in ("/_emulator/state", "/_emulator/stats"):
            assert httpx.get(f"{url}{path}").status_code == 403
            wrong = httpx.get(f"{url}{path}", headers={"x-emulator-admin": "nope"})
            assert wrong.status_code == 403
        assert httpx.post(f"{url}/_emulator/reset").status_code == 403
        assert httpx.get(f"{url}/_emulator/health").status_code == 200
        control = EmulatorControl(url, admin_token="t0ken-for-tests")
        assert "connections" in control.state()
        control.close()
