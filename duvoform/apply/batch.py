"""Moving many assignments into one folder with one request.

``agents.move`` steps that move to the same folder (or the root) share ``move`` requests of up
to ``MAX_BATCH`` assignments: a plan that re-files 300 assignments into three folders makes
three requests, not 300. Each destination has at most one request on its way at a time; the
steps that become ready meanwhile (while that request waits for the rate limiter, or for its
answer) wait too, and go together in the next one. So when creates finish one by one, paced by
the rate limit, their moves still travel in batches. If a request fails, every step in it
fails with the same error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from duvoform.api.client import DuvoClient

__all__ = ["MAX_BATCH", "MoveBatcher"]

MAX_BATCH = 100
# Turns of the event loop a new batch waits for more steps before it is sent.
_GATHER_TURNS = 3

_Waiting = list[tuple[list[str], "asyncio.Future[None]"]]


class MoveBatcher:
    """Coalesces moves to the same destination; ``move`` returns when its batch was sent."""

    def __init__(self, client: DuvoClient, max_batch: int = MAX_BATCH) -> None:
        self.client = client
        self.max_batch = max_batch
        self._waiting: dict[str | None, _Waiting] = {}
        self._senders: dict[str | None, asyncio.Task[None]] = {}
        self.requests = 0

    async def move(self, agent_ids: Sequence[str], folder_id: str | None) -> None:
        """Move ``agent_ids`` into ``folder_id`` (None: the root), sharing a request."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiting.setdefault(folder_id, []).append((list(agent_ids), future))
        if folder_id not in self._senders:
            self._senders[folder_id] = loop.create_task(self._send_all(folder_id))
        await future

    async def _send_all(self, folder_id: str | None) -> None:
        """Send what waits for ``folder_id``, one request at a time, until nothing waits."""
        try:
            for _ in range(_GATHER_TURNS):
                await asyncio.sleep(0)
            while self._waiting.get(folder_id):
                waiting = self._waiting[folder_id]
                chunk: _Waiting = []
                size = 0
                while waiting and (not chunk or size + len(waiting[0][0]) <= self.max_batch):
                    item = waiting.pop(0)
                    chunk.append(item)
                    size += len(item[0])
                await self._send(folder_id, chunk)
        finally:
            # In the same step as the last look at what waits: a move that comes later
            # starts a sender of its own.
            self._senders.pop(folder_id, None)
            self._waiting.pop(folder_id, None)

    async def _send(
        self, folder_id: str | None, chunk: list[tuple[list[str], asyncio.Future[None]]]
    ) -> None:
        ids = list(dict.fromkeys(agent for agents, _ in chunk for agent in agents))
        try:
            self.requests += 1
            await self.client.move_agents(ids, folder_id)
        except BaseException as exc:
            for _, future in chunk:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for _, future in chunk:
            if not future.done():
                future.set_result(None)
