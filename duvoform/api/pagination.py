"""Read a whole offset-paginated list in as few round trips as the API allows.

The first page says how many items there are; the other pages are then requested at once
(the transport bounds how many run together). There is no cursor, so a list that changes while
it is read can yield duplicates or gaps. The read checks what it can: every page reports the
same ``total``, no id appears twice, and the count matches ``total``. When a check fails the
whole list is read again, a bounded number of times.

A count that differs from ``total`` on two reads that return exactly the same items is taken
as it is (``total`` may count objects the key cannot see; the reference leaves that open).

One shift is invisible to these checks: an insert and a delete between two page reads that
leave the total unchanged and move no item across a page boundary twice. Reading all pages
at once keeps that window short.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from duvoform.api.tasks import gather
from duvoform.errors import InconsistentListError

__all__ = ["Page", "fetch_all"]

logger = logging.getLogger("duvoform.api")

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the list's ``total``, and the page size the API used."""

    items: list[T]
    total: int
    limit: int | None = None


async def fetch_all(
    fetch_page: Callable[[int, int], Awaitable[Page[T]]],
    *,
    key: Callable[[T], Hashable],
    page_size: int = 100,
    max_rounds: int = 3,
    what: str = "list",
) -> list[T]:
    """Every item of a paginated list; ``fetch_page(offset, limit)`` reads one page.

    Raises ``InconsistentListError`` when the list shifted on each of ``max_rounds`` reads.
    """
    problem = ""
    previous: _Signature | None = None
    for round_number in range(1, max_rounds + 1):
        items, problem, signature = await _read_once(fetch_page, key, page_size)
        if not problem:
            return items
        if signature is not None and signature == previous:
            # Two reads returned the very same items and total: the list is not moving, its
            # total just does not match what this key can see.
            logger.info("the %s is stable but %s; using what was read", what, problem)
            return items
        previous = signature
        logger.info(
            "the %s changed while it was read (%s); reading it again (%d/%d)",
            what,
            problem,
            round_number,
            max_rounds,
        )
    raise InconsistentListError(
        f"the {what} kept changing while it was read ({problem}); gave up after "
        f"{max_rounds} reads. Try again when nothing else is changing it."
    )


_Signature = tuple[int, tuple[Hashable, ...]]


async def _read_once(
    fetch_page: Callable[[int, int], Awaitable[Page[T]]],
    key: Callable[[T], Hashable],
    page_size: int,
) -> tuple[list[T], str, _Signature | None]:
    """One read of the whole list: its items, what is wrong with them (``""``: nothing), and,
    when the only fault is a count that differs from ``total``, a signature to compare
    with the next read."""
    first = await fetch_page(0, page_size)
    total = first.total
    step = page_size
    if first.limit is not None and 0 < first.limit < step:
        step = first.limit  # the server capped the page size
    if 0 < len(first.items) < min(step, total):
        step = len(first.items)  # it capped the page size without saying so
    if total > 0 and not first.items:
        return [], f"the first page was empty but the total was {total}", (total, ())
    rest = await gather(fetch_page(offset, step) for offset in range(step, total, step))
    items = list(first.items)
    for page in rest:
        if page.total != total:
            return [], f"the total went from {total} to {page.total}", None
        items.extend(page.items)
    seen: set[Hashable] = set()
    for item in items:
        ident = key(item)
        if ident in seen:
            return [], f"{ident} appeared twice", None
        seen.add(ident)
    if len(items) != total:
        signature = (total, tuple(key(item) for item in items))
        return items, f"read {len(items)} items but the total is {total}", signature
    return items, "", None
