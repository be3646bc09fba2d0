"""SIGTERM handled as Ctrl-C while an apply runs.

A CI runner or a container stops a job with SIGTERM. ``run_interruptible`` runs the apply's
coroutine as ``asyncio.run`` does, and turns SIGTERM into the same cancellation that Ctrl-C
causes, so the executor ends the journal with ``run_interrupted`` and the command prints how far
it got; it then raises ``Terminated`` (a ``KeyboardInterrupt``), whose ``exit_code`` is 143
(128 + 15, the shell's code for a process ended by SIGTERM).
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Coroutine
from types import FrameType
from typing import Any, TypeVar

__all__ = ["Terminated", "exit_code", "run_interruptible"]

_T = TypeVar("_T")


class Terminated(KeyboardInterrupt):
    """The run was stopped by SIGTERM."""

    exit_code = 128 + signal.SIGTERM


def exit_code(interrupt: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM."""
    return Terminated.exit_code if isinstance(interrupt, Terminated) else 130


def run_interruptible(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """``asyncio.run(coroutine)``, with SIGTERM cancelling it as Ctrl-C does (see the module
    docstring). Outside the main thread, SIGTERM is left alone."""
    if threading.current_thread() is not threading.main_thread():
        return asyncio.run(coroutine)
    with asyncio.Runner() as runner:
        loop = runner.get_loop()
        main: list[asyncio.Task[Any]] = []
        terminated = False

        def on_sigterm(_signum: int, _frame: FrameType | None) -> None:
            nonlocal terminated
            if terminated:
                return
            terminated = True
            if main and not main[0].done():
                loop.call_soon_threadsafe(main[0].cancel)

        async def run() -> _T:
            task = asyncio.current_task()
            assert task is not None
            main.append(task)
            return await coroutine

        previous = signal.signal(signal.SIGTERM, on_sigterm)
        try:
            return runner.run(run())
        except asyncio.CancelledError:
            if terminated:
                raise Terminated from None
            raise
        finally:
            signal.signal(signal.SIGTERM, previous)
