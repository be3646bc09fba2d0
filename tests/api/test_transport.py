"""Retries, uncertain writes, errors, pacing and redaction, against the emulator over HTTP."""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid

import httpx
import pytest

from duvoform.api import RetryPolicy
from duvoform.api.models import CreateConnectionRequest, HeaderSet
from duvoform.emulator import EmulatorControl
from duvoform.errors import (
    ApiError,
    AuthError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TransportError,
    UncertainWriteError,
)
from tests.api.helpers import WatchedTransport, client_for
from tests.helpers import v2_config

CREATE_AGENT = "POST /v1/agents"


def agent_body(name: str = "Bot") -> dict[str, object]:
    return {"name": name, "build": {"name": "b", "config": v2_config()}}


def live_agents(emulator: EmulatorControl) -> list[str]:
    return [row["name"] for row in emulator.state()["agents"]]


# -- safe requests are retried ---------------------------------------------------------------


@pytest.mark.parametrize("fault", ["error_rate", "reset_rate"])
async def test_reads_are_retried_through_server_errors_and_resets(
    emulator: EmulatorControl, fault: str
) -> None:
    emulator.seed({"folders": [{"name": "Finance"}]})
    emulator.set_faults(**{fault: 0.4}, seed=11, methods=["GET"])
    # Which request meets which fault depends on how the 25 interleave; with 5 attempts one of
    # them ran out of budget about once in a hundred runs. 20 attempts make that ~1e-8.
    async with client_for(emulator, max_attempts=20, backoff_base=0.01, backoff_cap=0.05) as client:
        results = await asyncio.gather(*(client.list_folders() for _ in range(25)))
        assert all(len(folders) == 1 for folders in results)
        stats = emulator.stats()
        kind = "error" if fault == "error_rate" else "reset"
        assert stats["faults"][kind] > 0
        assert stats["total"] == 25 + stats["faults"][kind]
        assert client.request_count == stats["total"]


async def test_reads_give_up_with_a_server_error_after_the_budget(
    emulator: EmulatorControl,
) -> None:
    emulator.set_faults(error_rate=1.0, error_statuses=[502], methods=["GET"])
    async with client_for(emulator, max_attempts=3) as client:
        with pytest.raises(ServerError) as info:
            await client.list_folders()
        assert info.value.status == 502
        assert info.value.method == "GET"
        assert info.value.path == "/v1/agent-folders"
        assert client.request_count == 3


async def test_a_lost_patch_response_is_retried(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        agent = (await client.create_agent(agent_body())).agent
        emulator.set_faults(drop_after_commit_rate=0.5, seed=5, methods=["PATCH"])
        for n in range(8):
            updated = await client.update_agent(agent.id, {"name": f"Bot {n}"})
            assert updated.name == f"Bot {n}"
        assert emulator.stats()["faults"]["drop_after_commit"] > 0


async def test_a_promote_whose_answer_was_lost_counts_as_done(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        created = await client.create_agent(agent_body())
        assert created.build is not None
        first = created.build
        await client.create_build(created.agent.id, {"name": "b2", "config": v2_config("v2")})
        emulator.set_faults(drop_after_commit_rate=1.0, routes=["/v1/revisions/{build_id}/promote"])
        result = await client.promote_build(first.id)
        assert result.success
        assert result.already_live  # the first attempt did it; the retry found it live
        assert emulator.stats()["by_route"]["POST /v1/revisions/{build_id}/promote"] == 2
        emulator.set_faults()
        live = [b.id for b in await client.list_builds(created.agent.id) if b.is_live]
        assert live == [first.id]


async def test_a_promote_of_a_live_build_is_still_a_conflict(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        created = await client.create_agent(agent_body())
        assert created.build is not None
        with pytest.raises(ApiError) as info:
            await client.promote_build(created.build.id)
        assert info.value.status == 409


async def test_a_delete_whose_answer_was_lost_counts_as_done(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        folder = await client.create_folder({"name": "Old"})
        emulator.set_faults(drop_after_commit_rate=1.0, methods=["DELETE"])
        assert (await client.delete_folder(folder.id)).success
        assert emulator.stats()["by_status"].get("404") == 1
        assert emulator.state()["folders"] == []


# -- creates are never repeated blindly ------------------------------------------------------


@pytest.mark.parametrize(
    ("faults", "committed"),
    [
        ({"error_rate": 1.0, "error_statuses": [503]}, False),
        ({"reset_rate": 1.0}, False),
        ({"drop_after_commit_rate": 1.0}, True),
    ],
)
async def test_a_create_with_an_unknown_outcome_is_reported_not_repeated(
    emulator: EmulatorControl, faults: dict[str, object], committed: bool
) -> None:
    emulator.set_faults(**faults, routes=[CREATE_AGENT])
    async with client_for(emulator) as client:
        with pytest.raises(UncertainWriteError) as info:
            await client.create_agent(agent_body("Invoice triage"))
    assert info.value.method == "POST"
    assert info.value.path == "/v1/agents"
    assert "outcome unknown" in info.value.render()
    assert emulator.stats()["by_route"][CREATE_AGENT] == 1
    # the client cannot tell these apart; the emulator's state shows why reconciling matters
    assert live_agents(emulator) == (["Invoice triage"] if committed else [])


async def test_an_uncertain_create_after_a_5xx_carries_the_status(
    emulator: EmulatorControl,
) -> None:
    emulator.set_faults(error_rate=1.0, error_statuses=[500], routes=["/v1/agent-folders"])
    async with client_for(emulator) as client:
        with pytest.raises(UncertainWriteError) as info:
            await client.create_folder({"name": "Finance"})
    assert info.value.status == 500


async def test_a_create_refused_with_429_is_retried_once_allowed(
    emulator: EmulatorControl,
) -> None:
    emulator.set_faults(burst_429=1, burst_retry_after=1, routes=[CREATE_AGENT])
    async with client_for(emulator) as client:
        created = await client.create_agent(agent_body("Once"))
        assert created.agent.name == "Once"
        assert client.transport.limiter.pauses >= 1
    assert emulator.stats()["by_route"][CREATE_AGENT] == 2
    assert live_agents(emulator) == ["Once"]


async def test_a_create_that_never_connected_is_retried(emulator: EmulatorControl) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with client_for(emulator, base_url=f"http://127.0.0.1:{port}", max_attempts=3) as client:
        with pytest.raises(TransportError) as info:
            await client.create_agent(agent_body())
        assert not isinstance(info.value, UncertainWriteError)
        assert "could not connect" in str(info.value)
        assert client.request_count == 3


async def test_timeouts_retry_reads_and_make_creates_uncertain(
    emulator: EmulatorControl,
) -> None:
    emulator.set_faults(latency_ms=400)
    async with client_for(emulator, read_timeout=0.1, max_attempts=2) as client:
        with pytest.raises(TransportError, match="timed out") as read:
            await client.list_folders()
        assert not isinstance(read.value, UncertainWriteError)
        assert client.request_count == 2
        with pytest.raises(UncertainWriteError, match="timed out"):
            await client.create_folder({"name": "Slow"})
        assert client.request_count == 3


async def test_429_beyond_the_budget_is_a_rate_limit_error(emulator: EmulatorControl) -> None:
    emulator.set_faults(burst_429=5, burst_retry_after=1)
    policy = RetryPolicy(max_rate_limited=0)
    async with client_for(emulator, policy=policy) as client:
        with pytest.raises(RateLimitError) as info:
            await client.list_folders()
    assert info.value.status == 429
    assert info.value.error == "rate_limited"


# -- errors ----------------------------------------------------------------------------------


async def test_a_rejected_key_says_so_in_words(emulator: EmulatorControl) -> None:
    async with client_for(emulator, api_key="dv_wrong_canary") as client:
        with pytest.raises(AuthError) as info:
            await client.list_agents()
    message = str(info.value)
    assert "DUVO_API_KEY" in message
    assert "rejected" in message
    assert "401" in message
    assert "dv_wrong_canary" not in message
    assert info.value.status == 401


async def test_a_forbidden_change_says_the_key_is_not_allowed(emulator: EmulatorControl) -> None:
    emulator.add_key("second-user-key", "local")
    async with client_for(emulator) as owner:
        connection = await owner.create_connection(
            {"name": "Shared", "auth_method": "url", "server_url": "https://mcp.example.com/s"}
        )
        await owner.update_connection(connection.id, {"shared": True})
    async with client_for(emulator, api_key="second-user-key") as other:
        with pytest.raises(AuthError) as info:
            await other.update_connection(connection.id, {"name": "Mine now"})
    assert info.value.status == 403
    assert "not allowed" in str(info.value)
    assert "DUVO_API_KEY" in str(info.value)


async def test_api_errors_carry_method_path_status_and_the_apis_words(
    emulator: EmulatorControl,
) -> None:
    missing = str(uuid.uuid4())
    async with client_for(emulator) as client:
        with pytest.raises(NotFoundError) as info:
            await client.get_agent(missing)
        assert (info.value.method, info.value.path, info.value.status) == (
            "GET",
            f"/v1/agents/{missing}",
            404,
        )
        assert info.value.error
        with pytest.raises(ApiError) as bad:
            await client.get_agent("not-a-uuid")
        assert bad.value.status == 400
        assert bad.value.api_message


async def test_an_html_error_page_is_named_not_quoted(emulator: EmulatorControl) -> None:
    page = "<!DOCTYPE HTML>\n<html>\n  <head><title>Not Found</title></head>\n  <body>...</body>"

    def not_the_api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text=page, headers={"content-type": "text/html"})

    async with client_for(emulator, transport=httpx.MockTransport(not_the_api)) as client:
        with pytest.raises(NotFoundError) as info:
            await client.list_folders()
    assert str(info.value) == (
        "GET /v1/agent-folders returned 404 (the server answered with an HTML page, not the "
        "Duvo API's JSON; check --api-url)"
    )


@pytest.mark.parametrize(
    ("call", "answer"),
    [
        ("list_folders", {"data": []}),
        ("list_agents", {"items": [], "total": 0}),
        ("list_connections", {"total": 0}),
    ],
)
async def test_a_list_answer_without_its_items_is_an_error_not_an_empty_team(
    emulator: EmulatorControl, call: str, answer: dict[str, object]
) -> None:
    # Read as empty, a wrong server would make a plan create the whole team again.
    def not_the_api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answer)

    async with client_for(emulator, transport=httpx.MockTransport(not_the_api)) as client:
        with pytest.raises(ApiError) as info:
            await getattr(client, call)()
    assert info.value.error == "unexpected response"
    assert "Field required" in str(info.value)


async def test_ids_are_quoted_into_paths(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        with pytest.raises(ApiError) as info:
            await client.get_agent("../agent-folders")
    assert info.value.path == "/v1/agents/..%2Fagent-folders"
    assert emulator.stats()["by_route"].get("GET /v1/agent-folders") is None


# -- pacing and concurrency ------------------------------------------------------------------


async def test_concurrency_is_bounded(emulator: EmulatorControl) -> None:
    emulator.set_faults(latency_ms=50)
    watched = WatchedTransport()
    async with client_for(emulator, transport=watched, concurrency=3) as client:
        await asyncio.gather(*(client.list_folders() for _ in range(12)))
    assert watched.max_in_flight == 3


async def test_pacing_by_the_headers_avoids_429(emulator: EmulatorControl) -> None:
    emulator.set_rate_limit(10, 1.0)
    async with client_for(emulator) as client:
        await asyncio.gather(*(client.list_folders() for _ in range(18)))
        assert client.transport.limiter.pauses >= 1
    stats = emulator.stats()
    assert stats["rate_limited"] == 0
    assert stats["total"] == 18


# -- secrets stay out of logs ----------------------------------------------------------------


async def test_debug_logs_never_show_the_key_or_secret_values(
    emulator: EmulatorControl, caplog: pytest.LogCaptureFixture
) -> None:
    key = "dv-canary-key-5e1f"
    emulator.add_key(key, "local")
    caplog.set_level(logging.DEBUG)
    async with client_for(emulator, api_key=key) as client:
        connection = await client.create_connection(
            CreateConnectionRequest(
                name="Secretive",
                auth_method="headers",
                server_url="https://mcp.example.com/s",
                headers=HeaderSet(secret={"Authorization": "canary-secret-1"}),
            )
        )
        await client.update_connection(
            connection.id, {"headers": {"secret": {"Authorization": "canary-secret-2"}}}
        )
        await client.probe_mcp("https://mcp.example.com/s", {"X-Api-Key": "canary-secret-3"})
        with pytest.raises(ApiError) as info:
            await client.create_connection(
                {"name": "x", "auth_method": "bogus", "headers": {"secret": {"A": "canary-4"}}}
            )
    text = caplog.text
    assert "canary" not in text
    assert "canary" not in str(info.value)
    assert "Bearer ***" in text
    assert "POST /v1/connections -> 201" in text
    assert "duvoform/" in text  # the User-Agent names duvoform and its version
