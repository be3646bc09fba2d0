from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx
import pytest

from duvoform.api.pagination import Page, fetch_all
from duvoform.emulator import EmulatorControl
from duvoform.errors import InconsistentListError
from tests.api.helpers import WatchedTransport, agents_seed, client_for
from tests.helpers import v2_config


@dataclass
class Item:
    id: str


class ListSource:
    """A server-side list served with offset pagination, optionally changing between reads."""

    def __init__(
        self, count: int, *, cap: int | None = None, report_limit: bool = True, unseen: int = 0
    ) -> None:
        self.items = [Item(f"i{n:05d}") for n in range(count)]
        self.unseen = unseen  # counted in the total, never served
        self.cap = cap
        self.report_limit = report_limit
        self.calls: list[tuple[int, int]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.on_call: list[object] = []

    async def page(self, offset: int, limit: int) -> Page[Item]:
        self.calls.append((offset, limit))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        await asyncio.sleep(0)
        if self.on_call:
            action = self.on_call.pop(0)
            if callable(action):
                action()
        size = min(limit, self.cap) if self.cap else limit
        items = self.items[offset : offset + size]
        self.in_flight -= 1
        total = len(self.items) + self.unseen
        return Page(items, total, size if self.report_limit else None)


async def test_reads_every_item_once_with_pages_after_the_first_at_once() -> None:
    source = ListSource(250)
    items = await fetch_all(source.page, key=lambda i: i.id)
    assert [i.id for i in items] == [i.id for i in source.items]
    assert source.calls == [(0, 100), (100, 100), (200, 100)]
    assert source.max_in_flight == 2  # the two later pages were requested together


async def test_small_and_empty_lists_take_one_request() -> None:
    for count in (0, 1, 100):
        source = ListSource(count)
        assert len(await fetch_all(source.page, key=lambda i: i.id)) == count
        assert len(source.calls) == 1


async def test_server_capped_page_size_is_followed() -> None:
    reported = ListSource(120, cap=50)
    assert len(await fetch_all(reported.page, key=lambda i: i.id)) == 120
    assert [offset for offset, _ in reported.calls] == [0, 50, 100]
    silent = ListSource(120, cap=30, report_limit=False)
    assert len(await fetch_all(silent.page, key=lambda i: i.id)) == 120
    assert [offset for offset, _ in silent.calls] == [0, 30, 60, 90]


async def test_a_list_that_grows_between_pages_is_read_again() -> None:
    source = ListSource(250)
    # after the first page is served, an item is inserted at the front (shifting every page)
    source.on_call = [None, lambda: source.items.insert(0, Item("new"))]
    items = await fetch_all(source.page, key=lambda i: i.id)
    assert len(items) == 251
    assert len({i.id for i in items}) == 251
    assert len(source.calls) == 6  # two full reads


async def test_a_list_that_shrinks_between_pages_is_read_again() -> None:
    source = ListSource(250)
    source.on_call = [None, lambda: source.items.pop(0)]
    items = await fetch_all(source.page, key=lambda i: i.id)
    assert [i.id for i in items] == [i.id for i in source.items]


async def test_a_shift_with_an_unchanged_total_is_caught_by_its_duplicate() -> None:
    source = ListSource(200)
    shifted = False

    def shift() -> None:  # one item added at the front, one removed at the end
        nonlocal shifted
        if not shifted:
            shifted = True
            source.items.insert(0, Item("new"))
            source.items.pop()

    source.on_call = [None, shift]
    items = await fetch_all(source.page, key=lambda i: i.id)
    assert [i.id for i in items] == [i.id for i in source.items]
    assert len(source.calls) == 4  # the first read saw i00099 twice, so the list was read again


async def test_a_stable_list_whose_total_counts_unseen_items_is_accepted() -> None:
    source = ListSource(150, unseen=2)
    items = await fetch_all(source.page, key=lambda i: i.id)
    assert len(items) == 150
    assert len(source.calls) == 4  # read twice (two pages each), identical both times


async def test_a_list_that_never_settles_is_an_error() -> None:
    source = ListSource(150)
    counter = iter(range(100))
    # the list grows on every page read
    source.on_call = [lambda: source.items.append(Item(f"x{next(counter)}"))] * 10
    with pytest.raises(InconsistentListError, match="kept changing"):
        await fetch_all(source.page, key=lambda i: i.id, max_rounds=3)


# -- against the emulator over HTTP ----------------------------------------------------------


async def test_250_assignments_in_three_pages_the_last_two_at_once(
    emulator: EmulatorControl,
) -> None:
    emulator.seed({"agents": agents_seed(260)})
    emulator.set_faults(latency_ms=150)
    watched = WatchedTransport()
    async with client_for(emulator, transport=watched) as client:
        agents = await client.list_agents()
    assert len(agents) == 260
    assert len({a.id for a in agents}) == 260
    assert emulator.stats()["by_route"] == {"GET /v1/agents": 3}
    offsets = sorted(int(r.url.params["offset"]) for r in watched.sent)
    assert offsets == [0, 100, 200]
    assert {r.url.params["limit"] for r in watched.sent} == {"100"}
    assert watched.max_in_flight == 2  # pages 2 and 3 were in flight together


async def test_a_list_that_shifts_between_pages_is_read_again_over_http(
    emulator: EmulatorControl,
) -> None:
    emulator.seed({"agents": agents_seed(250)})
    inserted = False

    def insert_once(request: httpx.Request) -> None:
        nonlocal inserted
        if request.url.params.get("offset") == "100" and not inserted:
            inserted = True  # another tool creates an assignment while we read
            emulator.seed({"agents": agents_seed(1, prefix="Late")})

    watched = WatchedTransport(before=insert_once)
    async with client_for(emulator, transport=watched) as client:
        agents = await client.list_agents()
    assert inserted
    assert len(agents) == 251
    assert len({a.id for a in agents}) == 251
    assert "Late 00000" in {a.name for a in agents}
    assert emulator.stats()["by_route"] == {"GET /v1/agents": 6}  # read twice


async def test_connections_and_builds_are_paginated_too(emulator: EmulatorControl) -> None:
    emulator.seed(
        {
            "connections": [
                {"name": f"C{n}", "server_url": f"https://c{n}.example.com"} for n in range(120)
            ],
            "agents": [
                {
                    "name": "Busy",
                    "builds": [{"name": f"b{n}", "config": v2_config()} for n in range(105)],
                }
            ],
        }
    )
    async with client_for(emulator) as client:
        assert len(await client.list_connections()) == 120
        (agent,) = await client.list_agents()
        builds = await client.list_builds(agent.id)
    assert len(builds) == 105
    by_route = emulator.stats()["by_route"]
    assert by_route["GET /v1/connections"] == 2
    assert by_route["GET /v1/agents/{agent_id}/revisions"] == 2
