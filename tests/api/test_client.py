"""Every operation of the client against the emulator over HTTP."""

from __future__ import annotations

import pytest

from duvoform.api.models import (
    BuildConfigV1,
    BuildConfigV2,
    CreateConnectionRequest,
    HeaderSet,
    UpdateAgentRequest,
)
from duvoform.emulator import EmulatorControl, catalog_id
from duvoform.errors import ApiError, NotFoundError
from tests.api.helpers import client_for
from tests.helpers import v2_config


async def test_assignment_and_build_lifecycle(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        created = await client.create_agent(
            {"name": "Invoice triage", "build": {"name": "first", "config": v2_config()}}
        )
        agent = created.agent
        assert created.build is not None
        assert created.build.is_live
        updated = await client.update_agent(
            agent.id, UpdateAgentRequest(slack_enabled=True, name="Invoice bot")
        )
        assert updated.name == "Invoice bot"
        assert updated.slack_enabled is True
        assert (await client.get_agent(agent.id)).name == "Invoice bot"

        second = await client.create_build(
            agent.id, {"name": "second", "config": v2_config("New SOP"), "handover_target_ids": []}
        )
        assert (await client.get_build(second.id)).id == second.id
        assert (await client.get_agent_build(agent.id, second.id)).name == "second"
        relabelled = await client.update_build(second.id, {"revision_name": "Q4 policy"})
        assert relabelled.revision_name == "Q4 policy"
        builds = await client.list_builds(agent.id)
        assert {b.id for b in builds} == {created.build.id, second.id}

        promoted = await client.promote_build(created.build.id, {"revision_name": "back"})
        assert promoted.success
        assert not promoted.already_live
        live = [b for b in await client.list_builds(agent.id) if b.is_live]
        assert [b.id for b in live] == [created.build.id]
        assert await client.list_schedules(agent.id) == []


async def test_legacy_v1_build_config_is_read(emulator: EmulatorControl) -> None:
    legacy = {"version": "v1", "data": {"model": "gpt-4o", "tools": [], "input": "x",
                                         "files": [], "skills": []}}  # fmt: skip
    ids = emulator.seed({"agents": [{"name": "Old", "builds": [{"config": legacy}]}]})
    assert ids
    async with client_for(emulator) as client:
        (agent,) = await client.list_agents()
        assert agent.latest_build is not None
        assert isinstance(agent.latest_build.config, BuildConfigV1)
        assert agent.latest_build.config.data.model == "gpt-4o"


async def test_folders_and_moves(emulator: EmulatorControl) -> None:
    emulator.seed({"agents": [{"name": "A"}, {"name": "B"}]})
    async with client_for(emulator) as client:
        finance = await client.create_folder({"name": "Finance"})
        payable = await client.create_folder({"name": "AP", "parent_folder_id": finance.id})
        renamed = await client.update_folder(payable.id, {"name": "Accounts Payable"})
        assert renamed.parent_folder_id == finance.id
        agents = await client.list_agents()
        moved = await client.move_agents([a.id for a in agents] * 2, payable.id)
        assert moved.moved_count == 2
        assert {a.folder_id for a in await client.list_agents()} == {payable.id}
        assert (await client.move_agents([], None)).moved_count == 0
        await client.move_agents([agents[0].id], None)
        folders = {f.name: f for f in await client.list_folders()}
        assert folders["Accounts Payable"].agent_count == 1
        with pytest.raises(ApiError) as refused:
            await client.delete_folder(payable.id)
        assert refused.value.status == 400
        assert refused.value.body.get("agent_count") == 1
        await client.delete_folder(finance.id, force=True)
        assert await client.list_folders() == []


async def test_connections_credentials_and_flows(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        connection = await client.create_connection(
            CreateConnectionRequest(
                name="Snowflake prod",
                auth_method="headers",
                server_url="https://mcp.example.com/snowflake",
                headers=HeaderSet(plaintext={"X-Org": "acme"}, secret={"Authorization": "t0k"}),
            )
        )
        assert connection.has_headers
        credentials = await client.get_credentials(connection.id)
        assert credentials.header_names == {"X-Org", "Authorization"}
        assert credentials.headers["Authorization"] == ""
        shared = await client.update_connection(connection.id, {"shared": True})
        assert shared.shared is True
        assert (await client.get_connection(connection.id)).name == "Snowflake prod"
        assert [c.id for c in await client.list_connections(type="custom_mcp")] == [connection.id]
        assert await client.list_connections(type="gmail") == []

        check = await client.check_mcp_oauth("https://mcp.example.com/snowflake")
        assert check.supports_dcr
        probe = await client.probe_mcp("https://mcp.example.com/x", {"Authorization": "t"})
        assert probe.success
        assert probe.tools
        native = await client.start_native_oauth("gmail", {"return_url": "https://example.com"})
        assert native.authorization_url.startswith("http")
        mcp = await client.start_mcp_oauth(
            {"mcp_server_url": "https://mcp.example.com/oauth", "name": "OAuth MCP"}
        )
        assert mcp.authorization_url
        started = await client.start_composio(
            {
                "auth_config_id": "ac_1",
                "callback_url": "https://example.com/cb",
                "auth_scheme": "API_KEY",
                "auth_fields": {"api_key": "k"},
            }
        )
        assert started.redirect_url is None  # an API key finishes at once
        finished = await client.finalize_composio(
            {
                "app": "slack",
                "integration_name": "Slack",
                "connected_account_id": started.connected_account_id,
            }
        )
        assert finished.integration_id

        deleted = await client.delete_connection(connection.id)
        assert deleted.success
        with pytest.raises(NotFoundError):
            await client.get_connection(connection.id)


async def test_slots_and_pins(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        connection = await client.create_connection(
            {"name": "Tools", "auth_method": "url", "server_url": "https://mcp.example.com/t"}
        )
        created = await client.create_agent(
            {"name": "Worker", "build": {"name": "b", "config": v2_config()}}
        )
        assert created.build is not None
        agent_id, build_id = created.agent.id, created.build.id
        assert connection.custom_integration_id is not None
        custom = connection.custom_integration_id
        attached = await client.attach_slots(agent_id, build_id, [custom, catalog_id("gmail")])
        assert attached.success
        slots = {s.integration_type: s for s in await client.list_slots(agent_id, build_id)}
        assert set(slots) == {"gmail", "custom_mcp"}
        slot = slots["custom_mcp"]
        assert slot.custom_integration_id == custom
        await client.pin(agent_id, build_id, slot.id, connection.id)
        pins = await client.list_pins(agent_id, build_id, slot.id)
        assert [p.connection_id for p in pins] == [connection.id]
        await client.unpin(agent_id, build_id, slot.id, connection.id)
        assert await client.list_pins(agent_id, build_id, slot.id) == []
        await client.remove_slot(agent_id, build_id, slot.id)
        assert [s.integration_type for s in await client.list_slots(agent_id, build_id)] == [
            "gmail"
        ]


async def test_config_written_is_config_read(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        created = await client.create_agent(
            {"name": "Echo", "build": {"name": "b", "config": v2_config("Line 1\nLine 2")}}
        )
        assert created.build is not None
        config = (await client.get_build(created.build.id)).config
        assert isinstance(config, BuildConfigV2)
        assert config.data.input == "Line 1\nLine 2"
