"""Moving many assignments into one folder with one request.

``agents.move`` steps that become ready at about the same time and move to the same folder
(or the root) are sent as one ``move`` request of up to ``MAX_BATCH`` assignments: a plan that
re-files 300 assignments into three folders makes three requests, not 300. A batch is sent
once the steps that became ready together have joined it (one turn of the event loop); if the
request fails, every step in it fails with the same error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from duvoform.api.client import DuvoClient

__all__ = ["MAX_BATCH", "MoveBatcher"]

MAX_BATCH = 100
# Turns of the event loop a batch waits for more steps before it is sent.
_GATHER_TURNS = 3


class MoveBatcher:
    """Coalesces moves to the same destination; ``move`` returns when its batch was sent."""

    def __init__(self, client: DuvoClient, max_batch: int = MAX_BATCH) -> None:
        self.client = client
        self.max_batch = max_batch
        self._open: dict[str | None, list[tuple[list[str], asyncio.Future[None]]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.requests = 0

    async def move(self, agent_ids: Sequence[str], folder_id: str | None) -> None:
        """Move ``agent_ids`` into ``folder_id`` (None: the root), sharing a request."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        batch = self._open.get(folder_id)
        if batch is None:
            batch = self._open[folder_id] = []
            task = loop.create_task(self._send_later(folder_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        batch.append((list(agent_ids), future))
        await future

    async def _send_later(self, folder_id: str | None) -> None:
        for _ in range(_GATHER_TURNS):
            await asyncio.sleep(0)
        batch = self._open.pop(folder_id, [])
        chunk: list[tuple[list[str], asyncio.Future[None]]] = []
        size = 0
        for item in batch:
            if chunk and size + len(item[0]) > self.max_batch:
                await self._send(folder_id, chunk)
                chunk, size = [], 0
            chunk.append(item)
            size += len(item[0])
        if chunk:
            await self._send(folder_id, chunk)

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
