"""Asking at the terminal from inside the event loop.

``ask_line`` prints a question and reads one line without blocking the event loop, so that the
loop's own Ctrl-C handling stays live while a person thinks: a blocking read (in the loop's
thread or another) would keep Ctrl-C waiting, or hold stdin when the program exits.
``confirm_apply`` asks apply's question with it.
"""

from __future__ import annotations

import asyncio
import os
import sys

import click

from duvoform.errors import ApplyError

__all__ = ["ask_line", "confirm_apply"]


async def ask_line(question: str, *, err: bool) -> str:
    """Print ``question`` and read one line from the terminal without blocking the event
    loop, so that its Ctrl-C handling stays live (a blocking read, in this thread or another,
    would keep Ctrl-C waiting or hold stdin at exit). ``EOFError`` at the end of input."""
    click.echo(question, nl=False, err=err)
    loop = asyncio.get_running_loop()
    fd = sys.stdin.fileno()
    line: asyncio.Future[str] = loop.create_future()
    received = bytearray()

    def readable() -> None:
        chunk = os.read(fd, 4096)
        received.extend(chunk)
        if line.done():
            return
        if not chunk:
            line.set_exception(EOFError())
        elif b"\n" in received:
            line.set_result(received.split(b"\n", 1)[0].decode(errors="replace"))

    try:
        loop.add_reader(fd, readable)
    except NotImplementedError:  # an event loop that cannot watch a terminal: just read
        return input()
    try:
        return await line
    finally:
        loop.remove_reader(fd)


async def confirm_apply(*, err: bool) -> None:
    """Ask whether to apply (on stderr when ``err``: JSON mode keeps stdout for the report);
    ``ApplyError`` (nothing changed) unless the answer is ``yes``."""
    try:
        answer = await ask_line("Apply these changes? Only 'yes' is accepted: ", err=err)
    except EOFError:  # the end of input (Ctrl-D)
        click.echo(err=err)
        raise ApplyError("apply cancelled (no answer): nothing was changed") from None
    if answer.strip() != "yes":
        raise ApplyError("apply cancelled: nothing was changed")
