"""LiveState: what is read, how few requests it takes, and the folder tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from duvoform.api.models import Connection, FolderListItem
from duvoform.emulator import EmulatorControl
from duvoform.engine.live import FolderTree, LiveQuery, LiveState, read_live_state
from tests.api.helpers import WatchedTransport, agents_seed, client_for
from tests.e2e.helpers import TOKEN_ENV, invoke
from tests.helpers import v2_config

AGENTS = "GET /v1/agents"
FOLDERS = "GET /v1/agent-folders"
CONNECTIONS = "GET /v1/connections"
BUILDS = "GET /v1/agents/{agent_id}/revisions"
SLOTS = BUILDS + "/{build_id}/integrations"
GMAIL = ("Gmail AP", "Gmail AR")


def folder(ident: str, name: str, parent: str | None = None) -> FolderListItem:
    return FolderListItem(id=ident, name=name, parent_folder_id=parent)


def test_folder_tree_paths_children_and_lookups() -> None:
    tree = FolderTree(
        [
            folder("f", "Finance"),
            folder("ap", "AP", "f"),
            folder("ap2", "AP", "f"),
            folder("x", "Ledger", "ap"),
            folder("orphan", "Lost", "gone"),
            folder("c1", "Loop A", "c2"),
            folder("c2", "Loop B", "c1"),
        ]
    )
    assert tree.path_of("x") == ("Finance", "AP", "Ledger")
    assert tree.path_of(None) == ()
    assert tree.path_of("unknown") == ()
    assert [f.id for f in tree.find(("Finance", "AP"))] == ["ap", "ap2"]
    assert tree.find(("Nope",)) == ()
    assert [f.id for f in tree.children("f")] == ["ap", "ap2"]
    assert {f.id for f in tree.children(None)} >= {"f", "orphan"}
    assert tree.path_of("orphan") == ("Lost",)
    assert tree.path_of("c1") == ("Loop B", "Loop A")  # a cycle ends instead of looping
    assert len(tree) == 7
    assert tree.get("ap") is not None


async def test_a_team_of_1000_assignments_is_read_in_at_most_12_requests(
    emulator: EmulatorControl,
) -> None:
    emulator.seed(
        {
            "folders": [{"name": "Finance"}, {"name": "AP", "parent": "Finance"}],
            "connections": [
                {"name": f"MCP {n}", "server_url": f"https://mcp{n}.example.com"} for n in range(3)
            ],
            "agents": agents_seed(1000, folder="Finance/AP"),
        }
    )
    emulator.clear_stats()
    async with client_for(emulator) as client:
        state = await read_live_state(client)
    stats = emulator.stats()
    assert state.requests <= 12
    assert stats["total"] == state.requests  # the emulator is the witness
    assert stats["by_route"] == {FOLDERS: 1, AGENTS: 10, CONNECTIONS: 1}
    assert len(state.agents) == 1000
    assert len({a.id for a in state.agents}) == 1000
    assert len(state.connections) == 3
    assert state.builds == {}
    for agent in state.agents:
        live = state.live_build(agent.id)
        assert live is not None
        assert live.is_live
        assert state.folders.path_of(agent.folder_id) == ("Finance", "AP")


async def test_builds_are_listed_only_where_the_latest_build_is_not_live(
    emulator: EmulatorControl,
) -> None:
    ids = emulator.seed(
        {
            "agents": [
                {"name": "Steady", "builds": [{"name": "b1", "config": v2_config()}]},
                {
                    "name": "Drafting",
                    "builds": [
                        {"name": "b1", "config": v2_config(), "status": "live"},
                        {"name": "b2", "config": v2_config("draft"), "status": "draft"},
                    ],
                },
                {"name": "Empty"},
            ]
        }
    )
    steady, drafting, empty = (row["id"] for row in ids["agents"])
    emulator.clear_stats()
    async with client_for(emulator) as client:
        state = await read_live_state(client)
    assert emulator.stats()["by_route"][BUILDS] == 2
    assert set(state.builds) == {drafting, empty}
    live = state.live_build(drafting)
    latest = state.latest_build(drafting)
    assert live is not None
    assert live.name == "b1"
    assert latest is not None
    assert latest.name == "b2"
    assert state.live_build(empty) is None
    assert state.latest_build(empty) is None
    steady_live = state.live_build(steady)
    assert steady_live is not None
    assert steady_live.name == "b1"


async def test_slots_pins_and_credentials_are_read_only_where_asked(
    emulator: EmulatorControl,
) -> None:
    slot = {"integration": "Snowflake", "pins": ["Snowflake"]}
    build: dict[str, Any] = {"name": "b1", "config": v2_config(), "integrations": [slot]}
    ids = emulator.seed(
        {
            "connections": [
                {
                    "name": "Snowflake",
                    "server_url": "https://mcp.example.com/snow",
                    "headers": {"plaintext": {"X-Org": "acme"}, "secret": {"Authorization": "s"}},
                },
                {"name": "Other", "server_url": "https://mcp.example.com/other"},
            ],
            "agents": [
                {"name": "Worker", "builds": [build]},
                {"name": "Idle", "builds": [build]},
            ],
        }
    )
    snowflake = ids["connections"][0]
    worker = ids["agents"][0]
    emulator.clear_stats()
    query = LiveQuery(credentials_for=frozenset({"Snowflake"}), slots_for=frozenset({"Worker"}))
    async with client_for(emulator) as client:
        state = await read_live_state(client, query)
    assert set(state.credentials) == {snowflake}
    assert state.credentials[snowflake].header_names == {"X-Org", "Authorization"}
    key = (worker["id"], worker["builds"][0])
    assert list(state.slots) == [key]
    (worker_slot,) = state.slots[key]
    assert [p.connection_id for p in state.pins[(*key, worker_slot.id)]] == [snowflake]
    by_route = emulator.stats()["by_route"]
    assert by_route["GET /v1/connections/{connection_id}/credentials"] == 1
    # The live build is the latest: its slots came with the assignment list, and its one
    # connected slot has one connection of its integration, so the pin is inferred
    # (tests/connections/test_live_wiring.py has the cases that are read).
    assert by_route.get(SLOTS, 0) == 0
    assert state.requests == 4


async def test_schedules_come_with_the_assignment_list_when_asked(
    emulator: EmulatorControl,
) -> None:
    ids = emulator.seed({"agents": agents_seed(3)})
    first = ids["agents"][0]["id"]
    emulator.seed_schedules([{"agent": first, "time": "08:30"}])
    emulator.clear_stats()
    async with client_for(emulator) as client:
        without = await read_live_state(client)
        with_schedules = await read_live_state(client, LiveQuery(schedules=True))
    assert without.schedules == {}
    assert [s.time for s in with_schedules.schedules[first]] == ["08:30"]
    assert len(with_schedules.schedules) == 3
    assert with_schedules.requests == without.requests == 3


async def test_lists_are_read_at_the_same_time(emulator: EmulatorControl) -> None:
    emulator.seed({"agents": agents_seed(250), "folders": [{"name": "F"}]})
    emulator.set_faults(latency_ms=100)
    watched = WatchedTransport()
    async with client_for(emulator, transport=watched) as client:
        state = await read_live_state(client)
    assert len(state.agents) == 250
    assert watched.max_in_flight >= 3
    assert state.requests == 5


async def test_names_and_ids_find_live_objects(emulator: EmulatorControl) -> None:
    ids = emulator.seed(
        {
            "agents": [{"name": "Twin"}, {"name": "Twin"}],
            "connections": [{"name": "C", "server_url": "https://c.example.com"}],
        }
    )
    async with client_for(emulator) as client:
        state = await read_live_state(client)
    assert len(state.agents_named("Twin")) == 2
    first = ids["agents"][0]["id"]
    found = state.agent(first)
    assert found is not None
    assert found.name == "Twin"
    assert state.agent("missing") is None
    (conn,) = state.connections_named("C")
    assert state.connection(conn.id) is conn


def test_connections_of_an_integration_in_list_order() -> None:
    def conn(ident: str, custom: str | None, catalog: str | None) -> Connection:
        return Connection.model_validate(
            {"id": ident, "name": ident, "custom_integration_id": custom, "integration_id": catalog}
        )

    state = LiveState(
        folders=FolderTree([]),
        agents=(),
        connections=(
            conn("a", "mcp-1", None),
            conn("b", None, "gmail"),
            conn("c", "same", "same"),
            conn("d", None, "gmail"),
        ),
    )
    assert list(state.integration_connections("mcp-1")) == ["a"]
    assert list(state.integration_connections("gmail")) == ["b", "d"]
    assert list(state.integration_connections("same")) == ["c"]
    assert list(state.integration_connections("unknown")) == []
    assert list(state.integration_connections(None)) == []


def test_a_live_state_repr_is_its_counts() -> None:
    state = LiveState(
        folders=FolderTree([folder("f1", "Finance")]),
        agents=(),
        connections=(
            Connection.model_validate({"id": "c1", "name": "C", "integration_id": "gmail"}),
        ),
    )
    assert repr(state) == "<LiveState: 1 folders, 0 assignments, 1 connections>"


def _two_gmail_team(root: Path, size: int) -> Path:
    """``size`` assignments; every third uses one of two Gmail connections, every fourth a
    custom MCP connection with a secret header."""
    docs = [
        "apiVersion: duvoform/v1\nkind: Connection\nmetadata: {name: Warehouse}\n"
        "spec:\n  type: custom_mcp\n  server_url: https://mcp.example.com/wh\n"
        f"  headers:\n    secret: {{Authorization: {{env: {TOKEN_ENV}}}}}\n",
    ]
    docs += [
        f"apiVersion: duvoform/v1\nkind: Connection\nmetadata: {{name: {name}}}\n"
        "spec:\n  oauth: {flow: native, provider: gmail}\n"
        for name in GMAIL
    ]
    for i in range(size):
        connections = [GMAIL[i // 3 % 2]] if i % 3 == 0 else []
        connections += ["Warehouse"] if i % 4 == 0 else []
        docs.append(
            "apiVersion: duvoform/v1\nkind: Assignment\n"
            f"metadata: {{name: Worker {i:03d}}}\n"
            f"spec:\n  build:\n    model: claude-sonnet-4-6\n    sop: Task {i}.\n"
            f"    connections: [{', '.join(connections)}]\n"
        )
    (root / "team.yaml").write_text("---\n".join(docs))
    return root


def test_an_unchanged_plan_with_two_connections_of_one_provider_stays_within_its_budget(
    emulator: EmulatorControl, tmp_path: Path
) -> None:
    # Two Gmail connections share one integration id, so which one a connected Gmail slot is
    # pinned to can only be read (one request per such slot); every other read is a list,
    # plus the header names of the one connection that declares headers.
    emulator.seed(
        {"connections": [{"name": name, "type": "gmail", "provider": "oauth"} for name in GMAIL]}
    )
    team = _two_gmail_team(tmp_path, 50)
    assert invoke(emulator, "apply", str(team), "--auto-approve").exit_code == 0
    emulator.clear_stats()
    result = invoke(emulator, "plan", str(team), "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    gmail_slots = len(range(0, 50, 3))
    budget = 3 + 1 + gmail_slots  # the lists, one credentials read, one pin read per slot
    assert emulator.stats()["total"] <= budget
