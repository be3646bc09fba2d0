"""Every operation's handler, run by the executor against the emulator over HTTP."""

from __future__ import annotations

import json

from duvoform.apply import StepStatus
from duvoform.apply.handlers import HANDLERS
from duvoform.emulator import EmulatorControl, catalog_id
from duvoform.engine.steps import Op, Step, secret
from tests.api.helpers import client_for
from tests.apply.helpers import (
    agent_step,
    build_key,
    connection_body,
    folder_step,
    ref,
    run,
    state_rows,
    step,
)
from tests.helpers import v2_config


def test_every_operation_has_a_handler() -> None:
    assert set(HANDLERS) == set(Op)


async def test_folders_are_created_parent_first_then_renamed_moved_and_deleted(
    emulator: EmulatorControl,
) -> None:
    steps = [
        folder_step("Finance"),
        folder_step("Finance/AP", parent="Folder/Finance", after=("Folder/Finance#1",)),
        folder_step("Ops"),
    ]
    async with client_for(emulator) as client:
        report = await run(client, steps)
        assert report.ok, report.failed
        ids = report.created_ids()
        folders = {row["id"]: row for row in state_rows(emulator, "folders")}
        assert folders[ids["Folder/Finance/AP"]]["parent_folder_id"] == ids["Folder/Finance"]
        assert folders[ids["Folder/Finance"]]["parent_folder_id"] is None

        later = [
            step(Op.FOLDER_UPDATE, "Folder/Ops", folder=ref("Folder/Ops"), name="Operations"),
            step(
                Op.FOLDER_UPDATE,
                "Folder/Finance/AP",
                folder=ref("Folder/Finance/AP"),
                parent=None,
            ),
            step(Op.FOLDER_DELETE, "Folder/Finance", 2, folder=ref("Folder/Finance"), force=False),
        ]
        later[2] = step(
            Op.FOLDER_DELETE,
            "Folder/Finance",
            2,
            after=("Folder/Finance/AP#1",),
            folder=ref("Folder/Finance"),
            force=False,
        )
        report = await run(client, later, ids)
    assert report.ok, report.failed
    folders = {row["id"]: row for row in state_rows(emulator, "folders")}
    assert folders[ids["Folder/Ops"]]["name"] == "Operations"
    assert folders[ids["Folder/Finance/AP"]]["parent_folder_id"] is None
    assert ids["Folder/Finance"] not in folders


async def test_deleting_a_folder_that_is_already_gone_is_done(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        created = await run(client, [folder_step("Temp")])
        ids = created.created_ids()
        delete = step(Op.FOLDER_DELETE, "Folder/Temp", 2, folder=ref("Folder/Temp"), force=True)
        first = await run(client, [delete], ids)
        second = await run(client, [delete], ids)
    assert first.ok
    assert second.ok
    assert second.results[0].notes == ("the folder was already gone",)


async def test_an_assignment_is_created_with_its_build_flags_labels_and_handover(
    emulator: EmulatorControl,
) -> None:
    vendor = agent_step("Vendor lookup")
    triage = agent_step(
        "Invoice triage",
        after=("Assignment/Vendor lookup#1",),
        config={
            **v2_config("Triage invoices."),
            "data": {
                **v2_config("Triage invoices.")["data"],
                "subAgents": [ref("Assignment/Vendor lookup")],
            },
        },
        flags={"agentic_memory_enabled": True, "slack_enabled": False},
        handover_targets=[ref("Assignment/Vendor lookup")],
    )
    triage.params["build"]["revision_name"] = "Q4 policy"
    async with client_for(emulator) as client:
        report = await run(client, [vendor, triage])
    assert report.ok, report.failed
    ids = report.created_ids()
    agents = {row["id"]: row for row in state_rows(emulator, "agents")}
    builds = {row["id"]: row for row in state_rows(emulator, "builds")}
    agent = agents[ids["Assignment/Invoice triage"]]
    assert agent["name"] == "Invoice triage"
    assert agent["agentic_memory_enabled"] in (1, True)
    assert agent["slack_enabled"] in (0, False)
    build = builds[ids[build_key("Assignment/Invoice triage")]]
    assert build["agent_id"] == agent["id"]
    assert build["revision_name"] == "Q4 policy"
    assert build["status"] == "live"
    config = build["config"] if isinstance(build["config"], dict) else json.loads(build["config"])
    assert config["data"]["subAgents"] == [ids["Assignment/Vendor lookup"]]
    handover = build["handover_target_ids"]
    handover = handover if isinstance(handover, list) else json.loads(handover)
    assert handover == [ids["Assignment/Vendor lookup"]]
    assert len(agents) == 2


async def test_an_assignment_is_renamed_and_moved(emulator: EmulatorControl) -> None:
    async with client_for(emulator) as client:
        first = await run(client, [agent_step("A"), agent_step("B"), folder_step("Finance")])
        ids = first.created_ids()
        report = await run(
            client,
            [
                step(
                    Op.AGENT_UPDATE,
                    "Assignment/A",
                    agent=ref("Assignment/A"),
                    fields={"name": "A2"},
                ),
                step(
                    Op.AGENTS_MOVE,
                    "Assignment/A",
                    2,
                    agents=[ref("Assignment/A"), ref("Assignment/B")],
                    folder=ref("Folder/Finance"),
                ),
            ],
            ids,
        )
        assert report.ok, report.failed
        agents = {row["id"]: row for row in state_rows(emulator, "agents")}
        assert agents[ids["Assignment/A"]]["name"] == "A2"
        assert {agents[ids[a]]["folder_id"] for a in ("Assignment/A", "Assignment/B")} == {
            ids["Folder/Finance"]
        }
        to_root = step(Op.AGENTS_MOVE, "Assignment/B", 3, agents=[ref("Assignment/B")], folder=None)
        assert (await run(client, [to_root], ids)).ok
    agents = {row["id"]: row for row in state_rows(emulator, "agents")}
    assert agents[ids["Assignment/B"]]["folder_id"] is None


async def test_a_new_build_becomes_live_with_its_labels_and_a_label_edit_makes_no_build(
    emulator: EmulatorControl,
) -> None:
    async with client_for(emulator) as client:
        ids = (await run(client, [agent_step("A")])).created_ids()
        first_build = ids[build_key("Assignment/A")]
        report = await run(
            client,
            [
                step(
                    Op.BUILD_CREATE,
                    "Assignment/A",
                    2,
                    agent=ref("Assignment/A"),
                    name="duvoform:00000000000000aa",
                    config=v2_config("New SOP."),
                    handover_targets=[],
                    revision_name="v2",
                    revision_description="second",
                )
            ],
            ids,
        )
        assert report.ok, report.failed
        new_build = report.created_ids()[build_key("Assignment/A")]
        edit = step(
            Op.BUILD_UPDATE,
            "Assignment/A",
            3,
            build=ref(build_key("Assignment/A")),
            revision_name="v2 (final)",
            revision_description=None,
        )
        assert (await run(client, [edit], {**ids, **report.created_ids()})).ok
    builds = {row["id"]: row for row in state_rows(emulator, "builds")}
    assert new_build != first_build
    assert builds[new_build]["status"] == "live"
    assert builds[first_build]["status"] != "live"
    assert builds[new_build]["revision_name"] == "v2 (final)"
    assert builds[new_build]["revision_description"] is None
    assert len(builds) == 2


async def test_connections_are_created_with_secrets_shared_updated_and_deleted(
    emulator: EmulatorControl,
) -> None:
    body = connection_body(
        "Snowflake prod",
        "https://mcp.example.com/snowflake",
        plaintext={"X-Org": "acme"},
        secret={"Authorization": secret({"env": "SNOWFLAKE_TOKEN"})},
    )
    environ = {"SNOWFLAKE_TOKEN": "canary-secret-1"}
    create = step(Op.CONNECTION_CREATE, "Connection/Snowflake prod", body=body, shared=True)
    async with client_for(emulator) as client:
        report = await run(client, [create], environ=environ)
        assert report.ok, report.failed
        ids = report.created_ids()
        conn_id = ids["Connection/Snowflake prod"]
        live = await client.get_connection(conn_id)
        assert live.shared is True
        assert (await client.get_credentials(conn_id)).header_names == {"X-Org", "Authorization"}
        assert "canary-secret-1" in json.dumps(state_rows(emulator, "connections"))

        rotate = step(
            Op.CONNECTION_UPDATE,
            "Connection/Snowflake prod",
            2,
            connection=ref("Connection/Snowflake prod"),
            body={"headers": {"secret": {"Authorization": secret({"env": "SNOWFLAKE_TOKEN"})}}},
        )
        report = await run(client, [rotate], ids, environ={"SNOWFLAKE_TOKEN": "canary-secret-2"})
        assert report.ok, report.failed
        assert "canary-secret-2" in json.dumps(state_rows(emulator, "connections"))

        delete = step(
            Op.CONNECTION_DELETE,
            "Connection/Snowflake prod",
            3,
            connection=ref("Connection/Snowflake prod"),
        )
        assert (await run(client, [delete], ids)).ok
        again = await run(client, [delete], ids)
    assert again.ok
    assert again.results[0].notes == ("the connection was already gone",)
    assert state_rows(emulator, "connections") == []
    # No report ever holds a secret value.
    assert "canary-secret" not in json.dumps([report.to_json(), again.to_json()])


async def test_a_build_is_wired_to_catalog_and_custom_integrations_with_pins(
    emulator: EmulatorControl,
) -> None:
    body = connection_body("Tools", "https://mcp.example.com/t")
    steps = [
        step(Op.CONNECTION_CREATE, "Connection/Tools", body=body),
        agent_step("A"),
        step(
            Op.BUILD_WIRE,
            "Assignment/A",
            2,
            after=("Connection/Tools#1", "Assignment/A#1"),
            agent=ref("Assignment/A"),
            build=ref(build_key("Assignment/A")),
            integrations=[catalog_id("gmail"), ref("Connection/Tools")],
            pins=[{"integration": ref("Connection/Tools"), "connection": ref("Connection/Tools")}],
        ),
    ]
    async with client_for(emulator) as client:
        report = await run(client, steps)
        assert report.ok, report.failed
        ids = report.created_ids()
        agent_id, build_id = ids["Assignment/A"], ids[build_key("Assignment/A")]
        slots = await client.list_slots(agent_id, build_id)
        conn = await client.get_connection(ids["Connection/Tools"])
        assert {s.integration_id or s.custom_integration_id for s in slots} == {
            catalog_id("gmail"),
            conn.custom_integration_id,
        }
        assert conn.custom_integration_id is not None
        pins = await client.list_pins(agent_id, build_id, conn.custom_integration_id)
        assert [p.connection_id for p in pins] == [conn.id]
        # Wiring again adds nothing and is not an error.
        emulator.clear_stats()
        rewire = Step(steps[2].id, steps[2].op, steps[2].address, steps[2].params)
        again = await run(client, [rewire], ids)
    assert again.ok
    assert emulator.stats()["writes"] == 0


async def test_an_oauth_connection_is_pending_and_what_needs_it_waits(
    emulator: EmulatorControl,
) -> None:
    steps = [
        step(Op.CONNECTION_AUTHORIZE, "Connection/AP inbox", flow="native", provider="gmail"),
        agent_step("A"),
        step(
            Op.BUILD_WIRE,
            "Assignment/A",
            2,
            after=("Connection/AP inbox#1", "Assignment/A#1"),
            agent=ref("Assignment/A"),
            build=ref(build_key("Assignment/A")),
            integrations=[catalog_id("gmail")],
            pins=[{"integration": catalog_id("gmail"), "connection": ref("Connection/AP inbox")}],
        ),
    ]
    async with client_for(emulator) as client:
        report = await run(client, steps)
    statuses = [r.status for r in report.results]
    assert statuses == [StepStatus.PENDING, StepStatus.DONE, StepStatus.SKIPPED]
    assert report.ok
    assert 'duvoform connect "AP inbox"' in (report.results[0].message or "")
    assert report.results[2].because_pending
    assert report.results[2].because_address == "Connection/AP inbox"


async def test_a_new_build_from_a_source_build_keeps_its_slots(emulator: EmulatorControl) -> None:
    wire = step(
        Op.BUILD_WIRE,
        "Assignment/A",
        2,
        after=("Assignment/A#1",),
        agent=ref("Assignment/A"),
        build=ref(build_key("Assignment/A")),
        integrations=[catalog_id("gmail")],
    )
    async with client_for(emulator) as client:
        ids = (await run(client, [agent_step("A"), wire])).created_ids()
        rebuild = step(
            Op.BUILD_CREATE,
            "Assignment/A",
            3,
            agent=ref("Assignment/A"),
            name="duvoform:3333333333333333",
            config=v2_config("Changed."),
            handover_targets=[],
            source_build=ids[build_key("Assignment/A")],
        )
        report = await run(client, [rebuild], ids)
        assert report.ok, report.failed
        new_build = report.created_ids()[build_key("Assignment/A")]
        slots = await client.list_slots(ids["Assignment/A"], new_build)
    assert new_build != ids[build_key("Assignment/A")]
    assert [slot.integration_id for slot in slots] == [catalog_id("gmail")]
