from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from duvoform.api.pagination import Page, fetch_all
from duvoform.errors import InconsistentListError


@dataclass
class Item:
    id: str


class ListSource:
    """A server-side list served with offset pagination, optionally changing between reads."""

    def __init__(self, count: int, *, cap: int | None = None, report_limit: bool = True) -> None:
        self.items = [Item(f"i{n:05d}") for n in range(count)]
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
        return Page(items, len(self.items), size if self.report_limit else None)


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


async def test_a_list_that_never_settles_is_an_error() -> None:
    source = ListSource(150)
    counter = iter(range(100))
    # the list grows on every page read
    source.on_call = [lambda: source.items.append(Item(f"x{next(counter)}"))] * 10
    with pytest.raises(InconsistentListError, match="kept changing"):
        await fetch_all(source.page, key=lambda i: i.id, max_rounds=3)
