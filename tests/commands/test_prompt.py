"""``ask_line``: one line read from stdin's descriptor inside the event loop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from typing import TextIO

import pytest

from duvoform.commands._prompt import ask_line


@pytest.fixture
def stdin_from(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bytes], None]]:
    """Make stdin a pipe that holds ``data`` and then ends."""
    opened: list[TextIO] = []

    def give(data: bytes) -> None:
        read, write = os.pipe()
        os.write(write, data)
        os.close(write)
        opened.append(os.fdopen(read, "r"))
        monkeypatch.setattr("sys.stdin", opened[-1])

    yield give
    for stream in opened:
        stream.close()


async def _ask_while_the_loop_runs() -> tuple[str, int]:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    try:
        return await ask_line("Go? ", err=True), ticks
    finally:
        ticker.cancel()


def test_a_line_is_read_and_the_loop_keeps_running(
    stdin_from: Callable[[bytes], None], capsys: pytest.CaptureFixture[str]
) -> None:
    stdin_from("yes, é\nnot this\n".encode())
    answer, ticks = asyncio.run(_ask_while_the_loop_runs())
    assert answer == "yes, é"
    assert ticks > 0  # other tasks ran while the question waited
    assert capsys.readouterr().err == "Go? "


def test_the_end_of_input_is_eof(stdin_from: Callable[[bytes], None]) -> None:
    stdin_from(b"")
    with pytest.raises(EOFError):
        asyncio.run(ask_line("Go? ", err=True))
